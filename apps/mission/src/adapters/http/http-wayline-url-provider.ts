import { ORGANIZATION_HEADER } from '@dock/platform';
import type { WaylineFileRef } from '../../domain/task';
import { WaylineUnavailableError, WaylineUrlProvider } from '../../application/ports';

export interface FileServiceSettings {
  /** e.g. http://127.0.0.1:3004 */
  baseUrl: string;
  /** Bearer token for the file service's API (one of its API_TOKENS). */
  token: string | undefined;
  timeoutMs: number;
}

/**
 * The file service's internal API: POST /flights/{flightId}/wayline binds the flight to its
 * wayline (idempotent) and answers a fresh expiring URL and the KMZ's MD5 fingerprint. The
 * call states the task's organization (X-Organization-Id): the file service looks the wayline
 * up there, so another organization's wayline is "not found" for the task.
 */
export class HttpWaylineUrlProvider implements WaylineUrlProvider {
  constructor(private readonly settings: FileServiceSettings) {}

  async bind(request: {
    flightId: string;
    waylineId: string;
    gatewaySn: string;
    organizationId: string;
  }): Promise<WaylineFileRef> {
    const url = new URL(
      `/flights/${encodeURIComponent(request.flightId)}/wayline`,
      this.settings.baseUrl,
    );
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [ORGANIZATION_HEADER]: request.organizationId,
    };
    if (this.settings.token) headers.authorization = `Bearer ${this.settings.token}`;
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ waylineId: request.waylineId, gatewaySn: request.gatewaySn }),
      signal: AbortSignal.timeout(this.settings.timeoutMs),
    });
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (response.status === 404 || response.status === 409 || response.status === 400) {
      const message = typeof body?.message === 'string' ? body.message : `HTTP ${response.status}`;
      throw new WaylineUnavailableError(request.waylineId, message);
    }
    if (!response.ok) throw new Error(`file service answered HTTP ${response.status}`);
    if (typeof body?.url !== 'string' || typeof body.fingerprint !== 'string') {
      throw new Error('file service answer lacks url or fingerprint');
    }
    return { url: body.url, fingerprint: body.fingerprint };
  }
}
