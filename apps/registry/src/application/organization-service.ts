import { randomUUID } from 'node:crypto';
import {
  BindingCode,
  bindingCodeHint,
  generateBindingCode,
  hashBindingCode,
} from '../domain/binding-code';
import type { Device } from '../domain/device';
import type { Organization } from '../domain/organization';
import { ConflictError, NotFoundError } from './errors';
import type { RegistryStore } from './ports';

/** Organizations, their binding codes, and devices as operators manage them (REST). */
export class OrganizationService {
  constructor(
    private readonly store: RegistryStore,
    private readonly now: () => number = Date.now,
    private readonly newCode: () => string = generateBindingCode,
  ) {}

  ensure(id: string, name: string): Promise<Organization> {
    return this.store.ensureOrganization(id, name, this.now());
  }

  create(name: string): Promise<Organization> {
    const at = this.now();
    return this.store.createOrganization({ id: randomUUID(), name, createdAt: at, updatedAt: at });
  }

  list(): Promise<Organization[]> {
    return this.store.listOrganizations();
  }

  /** The organization, or undefined when there is none with this id. */
  find(id: string): Promise<Organization | undefined> {
    return this.store.findOrganization(id);
  }

  async get(id: string): Promise<Organization> {
    const organization = await this.store.findOrganization(id);
    if (!organization) throw unknownOrganization(id);
    return organization;
  }

  async rename(id: string, name: string): Promise<Organization> {
    const organization = await this.store.renameOrganization(id, name, this.now());
    if (!organization) throw unknownOrganization(id);
    return organization;
  }

  /** Refused (409) while devices are bound to it: unbind them first, nothing is cascaded. */
  async delete(id: string): Promise<void> {
    const outcome = await this.store.deleteOrganization(id);
    if (outcome === 'not_found') throw unknownOrganization(id);
    if (outcome === 'has_bound_devices') {
      throw new ConflictError(
        'organization_has_devices',
        `organization ${id} still has bound devices; unbind them first (DELETE /devices/{sn}/binding)`,
      );
    }
  }

  /** A new code; the only time the code itself is returned (only its hash is stored). */
  async issueCode(
    organizationId: string,
    expiresAt: number | null,
  ): Promise<{ code: string; record: BindingCode }> {
    await this.get(organizationId);
    const code = this.newCode();
    const record: BindingCode = {
      id: randomUUID(),
      organizationId,
      codeHash: hashBindingCode(code),
      hint: bindingCodeHint(code),
      createdAt: this.now(),
      expiresAt,
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.store.insertBindingCode(record);
    return { code, record };
  }

  async listCodes(organizationId: string): Promise<BindingCode[]> {
    await this.get(organizationId);
    return this.store.listBindingCodes(organizationId);
  }

  async expireCode(
    organizationId: string,
    codeId: string,
    at: number | undefined,
  ): Promise<BindingCode> {
    return this.changeCode(organizationId, codeId, { expiresAt: at ?? this.now() });
  }

  async revokeCode(organizationId: string, codeId: string): Promise<BindingCode> {
    return this.changeCode(organizationId, codeId, { revokedAt: this.now() });
  }

  async devices(organizationId: string): Promise<Device[]> {
    await this.get(organizationId);
    return this.store.listDevices(organizationId);
  }

  /**
   * A device by SN. `scope`: the organization the caller acts in; a device bound to another one
   * (or to none) is unknown to it, answered exactly as an unknown SN. Undefined: any (admin).
   */
  async device(sn: string, scope?: string): Promise<Device> {
    const [device] = await this.store.findDevices([sn]);
    if (!device || (scope !== undefined && device.organizationId !== scope)) {
      throw unknownDevice(sn);
    }
    return device;
  }

  /** Idempotent: unbinding a device that is not bound answers it as it is. `scope`: as device(). */
  async unbind(sn: string, scope?: string): Promise<Device> {
    if (scope !== undefined) await this.device(sn, scope);
    const outcome = await this.store.unbind(sn, this.now());
    if (outcome === undefined) throw unknownDevice(sn);
    return outcome === false ? this.device(sn) : outcome;
  }

  private async changeCode(
    organizationId: string,
    codeId: string,
    change: { expiresAt: number } | { revokedAt: number },
  ): Promise<BindingCode> {
    await this.get(organizationId);
    const code = await this.store.updateBindingCode(organizationId, codeId, change);
    if (!code) {
      throw new NotFoundError(
        'binding_code_not_found',
        `organization ${organizationId} has no binding code ${codeId}`,
      );
    }
    return code;
  }
}

export function unknownOrganization(id: string): NotFoundError {
  return new NotFoundError('organization_not_found', `no organization has the id ${id}`);
}

function unknownDevice(sn: string): NotFoundError {
  return new NotFoundError('device_not_found', `no device with the SN ${sn} is known`);
}
