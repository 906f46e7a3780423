/** A device as GET /devices/{sn} shows it (the fields these tests read). */
export interface DeviceView {
  sn: string;
  role: 'gateway' | 'sub_device';
  gatewaySn: string;
  modelKey: string | null;
  model: string | null;
  organizationId: string | null;
  callsign: string | null;
  online: boolean;
}

/**
 * The registry's REST API as an operator uses it (bearer token), for the onboarding tests of
 * the distributed and the embedded mode alike: same paths in both.
 */
export class RegistryApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
  }

  async createOrganization(name: string): Promise<string> {
    const created = await this.call<{ id: string }>('POST', '/organizations', { name });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  async issueCode(organizationId: string): Promise<{ id: string; code: string }> {
    const issued = await this.call<{ id: string; code: string }>(
      'POST',
      `/organizations/${organizationId}/binding-codes`,
      {},
    );
    expect(issued.status).toBe(201);
    return issued.body;
  }

  async expireCode(organizationId: string, codeId: string): Promise<void> {
    const expired = await this.call(
      'POST',
      `/organizations/${organizationId}/binding-codes/${codeId}/expire`,
      {},
    );
    expect(expired.status).toBe(200);
  }

  /** The device, or undefined while the registry does not know it (404). */
  async device(sn: string): Promise<DeviceView | undefined> {
    const found = await this.call<DeviceView>('GET', `/devices/${encodeURIComponent(sn)}`);
    if (found.status === 404) return undefined;
    expect(found.status).toBe(200);
    return found.body;
  }

  async organizationDevices(organizationId: string): Promise<DeviceView[]> {
    const listed = await this.call<DeviceView[]>('GET', `/organizations/${organizationId}/devices`);
    expect(listed.status).toBe(200);
    return listed.body;
  }
}
