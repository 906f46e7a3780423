import type { BindingCode } from '../domain/binding-code';
import type { BindRequestDevice } from '../domain/binding-decisions';
import type { BindingResult } from '../domain/binding-results';
import type { Device } from '../domain/device';
import type { DeviceBinding } from '../domain/mqtt-access';
import type { MqttCredential } from '../domain/mqtt-credential';
import type { Organization } from '../domain/organization';
import type { TopologyReport } from '../domain/presence';

export type DeleteOrganizationOutcome = 'deleted' | 'not_found' | 'has_bound_devices';

/** What one consumed batch of osd/state learned, per SN. */
export interface HeardDevices {
  /** Gateway SN -> the latest receive time of anything it sent. */
  readonly gateways: ReadonlyMap<string, number>;
  /** Any device SN -> the latest receive time of its own osd/state. */
  readonly devices: ReadonlyMap<string, number>;
  /** Device SN -> the firmware_version its state reported last. */
  readonly firmware: ReadonlyMap<string, string>;
}

/**
 * The registry's storage. Each method is one transaction: a change and the device events it
 * announces (outbox) commit together or not at all.
 */
export interface RegistryStore {
  ensureOrganization(id: string, name: string, at: number): Promise<Organization>;
  createOrganization(organization: Organization): Promise<Organization>;
  listOrganizations(): Promise<Organization[]>;
  findOrganization(id: string): Promise<Organization | undefined>;
  renameOrganization(id: string, name: string, at: number): Promise<Organization | undefined>;
  deleteOrganization(id: string): Promise<DeleteOrganizationOutcome>;

  insertBindingCode(code: BindingCode): Promise<void>;
  listBindingCodes(organizationId: string): Promise<BindingCode[]>;
  findBindingCodeByHash(codeHash: string): Promise<BindingCode | undefined>;
  /** Sets expires_at (expire) or revoked_at (revoke); undefined when the code is unknown. */
  updateBindingCode(
    organizationId: string,
    codeId: string,
    change: { expiresAt: number } | { revokedAt: number },
  ): Promise<BindingCode | undefined>;

  /** airport_organization_bind: every device of one request in one transaction. */
  bind(request: {
    gatewaySn: string;
    tid: string;
    devices: readonly (BindRequestDevice & { codeHash: string })[];
    now: number;
  }): Promise<{ sn: string; errCode: BindingResult }[]>;
  /** undefined: no such device; false: it was not bound. */
  unbind(sn: string, now: number): Promise<Device | undefined | false>;

  findDevices(sns: readonly string[]): Promise<Device[]>;
  listDevices(organizationId: string): Promise<Device[]>;

  applyTopology(
    report: TopologyReport,
  ): Promise<{ refused: { sn: string; organizationId: string }[] }>;
  recordHeard(heard: HeardDevices): Promise<number>;
  /** Marks gateways silent for offlineAfterMs offline (and their aircraft); returns how many. */
  sweepSilent(now: number, offlineAfterMs: number, limit: number): Promise<number>;
}

/** Sends the outbox (device events) to the bus; returns how many records went. */
export interface OutboxRelay {
  relay(): Promise<number>;
}

/** MQTT credentials and what the broker's authorization reads of the devices (issue 15). */
export interface MqttCredentialStore {
  insertMqttCredential(credential: MqttCredential): Promise<void>;
  listMqttCredentials(organizationId: string | null): Promise<MqttCredential[]>;
  /** Every credential (the broker's cache, the Mosquitto files). */
  allMqttCredentials(): Promise<MqttCredential[]>;
  /** New hash; undefined when the credential is unknown (in that organization). */
  setMqttPassword(
    id: string,
    organizationId: string | null,
    passwordHash: string,
    at: number,
  ): Promise<MqttCredential | undefined>;
  deleteMqttCredential(id: string, organizationId: string): Promise<boolean>;
  /** SN -> organization (null: unbound) and dock, for every device the registry knows. */
  deviceBindings(): Promise<Map<string, DeviceBinding>>;
}
