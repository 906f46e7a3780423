import type { DataSource, EntityManager } from 'typeorm';
import type {
  DeleteOrganizationOutcome,
  HeardDevices,
  RegistryStore,
} from '../../application/ports';
import type { BindingCode } from '../../domain/binding-code';
import { BindRequestDevice, decideBind, decideUnbind } from '../../domain/binding-decisions';
import type { BindingResult } from '../../domain/binding-results';
import type { Device, DeviceChange } from '../../domain/device';
import { deviceEventHeaders, deviceEventRecord } from '../../domain/device-event';
import type { Organization } from '../../domain/organization';
import { planHeard, planSilence, planTopology, TopologyReport } from '../../domain/presence';
import { bindingCodeOf, deviceOf, isUuid, organizationOf, Row } from './rows';

export interface PgRegistryStoreSettings {
  /** The device-events topic the outbox rows are for. */
  deviceEventsTopic: string;
  /** Called after a commit that wrote outbox rows (kicks the relay). */
  onOutbox?: () => void;
}

/** Another transaction inserted a device this one planned as new: start over on what is current. */
class ConcurrentInsertError extends Error {
  constructor(sn: string) {
    super(`device ${sn} was inserted concurrently`);
    this.name = 'ConcurrentInsertError';
  }
}

/** Deadlocks between a batch and the sweeper are retried: each side re-reads what is current. */
const RETRYABLE = new Set(['40P01', '40001']);

const DEVICE_COLUMNS =
  'sn, gateway_sn, role, model_key, firmware_version, organization_id, callsign, bound_at, ' +
  'bound_code_id, bound_tid, online, presence_changed_at, last_seen_at';

/** The registry's PostgreSQL storage: raw SQL, row locks, one transaction per method. */
export class PgRegistryStore implements RegistryStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: PgRegistryStoreSettings,
  ) {}

  async ensureOrganization(id: string, name: string, at: number): Promise<Organization> {
    await this.dataSource.query(
      `INSERT INTO organizations (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)
       ON CONFLICT (id) DO NOTHING`,
      [id, name, at],
    );
    return (await this.findOrganization(id)) as Organization;
  }

  async createOrganization(organization: Organization): Promise<Organization> {
    const rows = (await this.dataSource.query(
      `INSERT INTO organizations (id, name, created_at, updated_at) VALUES ($1, $2, $3, $4) RETURNING *`,
      [organization.id, organization.name, organization.createdAt, organization.updatedAt],
    )) as Row[];
    return organizationOf(rows[0]);
  }

  async listOrganizations(): Promise<Organization[]> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM organizations ORDER BY created_at, id',
    )) as Row[];
    return rows.map(organizationOf);
  }

  async findOrganization(id: string): Promise<Organization | undefined> {
    if (!isUuid(id)) return undefined;
    const rows = (await this.dataSource.query('SELECT * FROM organizations WHERE id = $1', [
      id,
    ])) as Row[];
    return rows[0] ? organizationOf(rows[0]) : undefined;
  }

  async renameOrganization(
    id: string,
    name: string,
    at: number,
  ): Promise<Organization | undefined> {
    if (!isUuid(id)) return undefined;
    const [rows] = (await this.dataSource.query(
      'UPDATE organizations SET name = $2, updated_at = $3 WHERE id = $1 RETURNING *',
      [id, name, at],
    )) as [Row[], number];
    return rows[0] ? organizationOf(rows[0]) : undefined;
  }

  deleteOrganization(id: string): Promise<DeleteOrganizationOutcome> {
    if (!isUuid(id)) return Promise.resolve('not_found');
    return this.dataSource.transaction(async (manager) => {
      const found = (await manager.query('SELECT id FROM organizations WHERE id = $1 FOR UPDATE', [
        id,
      ])) as Row[];
      if (found.length === 0) return 'not_found';
      // Binding locks the organization FOR SHARE, so no device joins while this decides.
      const bound = (await manager.query(
        'SELECT 1 FROM devices WHERE organization_id = $1 LIMIT 1',
        [id],
      )) as Row[];
      if (bound.length > 0) return 'has_bound_devices';
      await manager.query('DELETE FROM organizations WHERE id = $1', [id]);
      return 'deleted';
    });
  }

  async insertBindingCode(code: BindingCode): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO binding_codes
         (id, organization_id, code_hash, hint, created_at, expires_at, revoked_at, last_used_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        code.id,
        code.organizationId,
        code.codeHash,
        code.hint,
        code.createdAt,
        code.expiresAt,
        code.revokedAt,
        code.lastUsedAt,
      ],
    );
  }

  async listBindingCodes(organizationId: string): Promise<BindingCode[]> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM binding_codes WHERE organization_id = $1 ORDER BY created_at DESC, id',
      [organizationId],
    )) as Row[];
    return rows.map(bindingCodeOf);
  }

  async findBindingCodeByHash(codeHash: string): Promise<BindingCode | undefined> {
    const rows = (await this.dataSource.query('SELECT * FROM binding_codes WHERE code_hash = $1', [
      codeHash,
    ])) as Row[];
    return rows[0] ? bindingCodeOf(rows[0]) : undefined;
  }

  async updateBindingCode(
    organizationId: string,
    codeId: string,
    change: { expiresAt: number } | { revokedAt: number },
  ): Promise<BindingCode | undefined> {
    if (!isUuid(codeId)) return undefined;
    const set =
      'expiresAt' in change
        ? 'expires_at = $3'
        : // Revoking twice keeps the first time.
          'revoked_at = coalesce(revoked_at, $3)';
    const value = 'expiresAt' in change ? change.expiresAt : change.revokedAt;
    const [rows] = (await this.dataSource.query(
      `UPDATE binding_codes SET ${set} WHERE id = $1 AND organization_id = $2 RETURNING *`,
      [codeId, organizationId, value],
    )) as [Row[], number];
    return rows[0] ? bindingCodeOf(rows[0]) : undefined;
  }

  bind(request: {
    gatewaySn: string;
    tid: string;
    devices: readonly (BindRequestDevice & { codeHash: string })[];
    now: number;
  }): Promise<{ sn: string; errCode: BindingResult }[]> {
    return this.transaction(async (manager, changes) => {
      const organizationIds = [
        ...new Set(request.devices.map((d) => d.organizationId).filter(isUuid)),
      ];
      // FOR SHARE: an organization cannot be deleted while a device joins it.
      const organizations = new Map(
        (
          (await manager.query(
            'SELECT * FROM organizations WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE',
            [organizationIds],
          )) as Row[]
        ).map((row) => [String(row.id), organizationOf(row)]),
      );
      const codes = new Map(
        (
          (await manager.query(
            'SELECT * FROM binding_codes WHERE code_hash = ANY($1) ORDER BY id FOR UPDATE',
            [[...new Set(request.devices.map((d) => d.codeHash))]],
          )) as Row[]
        ).map((row) => [String(row.code_hash).trim(), bindingCodeOf(row)]),
      );
      const devices = await this.lockDevices(
        manager,
        request.devices.map((d) => d.sn),
      );
      const results: { sn: string; errCode: BindingResult }[] = [];
      const usedCodes = new Set<string>();
      for (const device of request.devices) {
        const code = codes.get(device.codeHash);
        const decision = decideBind({
          request: device,
          gatewaySn: request.gatewaySn,
          tid: request.tid,
          organization: organizations.get(device.organizationId),
          code,
          existing: devices.get(device.sn),
          now: request.now,
        });
        results.push({ sn: device.sn, errCode: decision.errCode });
        if (decision.write) {
          await this.writeDevice(manager, decision.write, request.now, devices.has(device.sn));
          devices.set(device.sn, decision.write);
        }
        if (decision.change) changes.push(decision.change);
        if (decision.codeUsed && code) usedCodes.add(code.id);
      }
      if (usedCodes.size > 0) {
        await manager.query(
          'UPDATE binding_codes SET last_used_at = $2 WHERE id = ANY($1::uuid[])',
          [[...usedCodes], request.now],
        );
      }
      return results;
    });
  }

  unbind(sn: string, now: number): Promise<Device | undefined | false> {
    return this.transaction(async (manager, changes) => {
      const existing = (await this.lockDevices(manager, [sn])).get(sn);
      if (!existing) return undefined;
      const decision = decideUnbind(existing, now);
      if (!decision) return false;
      await this.writeDevice(manager, decision.write, now, true);
      changes.push(decision.change);
      return decision.write;
    });
  }

  async findDevices(sns: readonly string[]): Promise<Device[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${DEVICE_COLUMNS} FROM devices WHERE sn = ANY($1) ORDER BY sn`,
      [[...sns]],
    )) as Row[];
    return rows.map(deviceOf);
  }

  async listDevices(organizationId: string): Promise<Device[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${DEVICE_COLUMNS} FROM devices WHERE organization_id = $1
       ORDER BY gateway_sn, role, sn`,
      [organizationId],
    )) as Row[];
    return rows.map(deviceOf);
  }

  applyTopology(
    report: TopologyReport,
  ): Promise<{ refused: { sn: string; organizationId: string }[] }> {
    return this.transaction(async (manager, changes) => {
      const sns = [report.gatewaySn, ...report.subDevices.map((d) => d.sn)];
      const rows = (await manager.query(
        `SELECT ${DEVICE_COLUMNS} FROM devices
         WHERE sn = ANY($1) OR (gateway_sn = $2 AND role = 'sub_device')
         ORDER BY sn FOR UPDATE`,
        [sns, report.gatewaySn],
      )) as Row[];
      const known = new Map(rows.map((row) => [String(row.sn), deviceOf(row)]));
      const plan = planTopology(report, known);
      for (const device of plan.writes) {
        await this.writeDevice(manager, device, report.at, known.has(device.sn));
      }
      changes.push(...plan.changes);
      return { refused: plan.refused };
    });
  }

  recordHeard(heard: HeardDevices): Promise<number> {
    return this.transaction(async (manager, changes) => {
      const sns = [
        ...new Set([...heard.gateways.keys(), ...heard.devices.keys(), ...heard.firmware.keys()]),
      ];
      const devices = await this.lockDevices(manager, sns);
      const now = Math.max(0, ...heard.gateways.values(), ...heard.devices.values());
      // Gateways the registry holds offline, or does not know yet: each written with its event.
      const written = new Set<string>();
      for (const [sn, at] of heard.gateways) {
        const existing = devices.get(sn);
        if (existing && (existing.role !== 'gateway' || existing.online)) continue;
        const plan = planHeard(existing, sn, at);
        await this.writeDevice(manager, plan.write, at, existing !== undefined);
        if (plan.change) changes.push(plan.change);
        written.add(sn);
      }
      // Everything else: last-seen and firmware of known devices in one statement.
      const seen = new Map<string, number>();
      for (const [sn, at] of [...heard.gateways, ...heard.devices]) {
        if (!devices.has(sn) || written.has(sn)) continue;
        seen.set(sn, Math.max(seen.get(sn) ?? 0, at));
      }
      const firmware = [...heard.firmware].filter(([sn]) => devices.has(sn) || written.has(sn));
      const touched = [...new Set([...seen.keys(), ...firmware.map(([sn]) => sn)])];
      if (touched.length > 0) {
        const firmwareOf = new Map(firmware);
        await manager.query(
          `UPDATE devices d SET
             last_seen_at = GREATEST(coalesce(d.last_seen_at, 0), coalesce(v.seen, 0)),
             firmware_version = coalesce(v.firmware, d.firmware_version),
             updated_at = $4
           FROM unnest($1::text[], $2::bigint[], $3::text[]) AS v(sn, seen, firmware)
           WHERE d.sn = v.sn`,
          [
            touched,
            touched.map((sn) => seen.get(sn) ?? null),
            touched.map((sn) => firmwareOf.get(sn) ?? null),
            now,
          ],
        );
      }
      return touched.length + written.size;
    });
  }

  sweepSilent(now: number, offlineAfterMs: number, limit: number): Promise<number> {
    return this.transaction(async (manager, changes) => {
      // SKIP LOCKED: replicas sweeping together each take other gateways; the re-checked
      // WHERE (online) means a gateway already marked offline is never announced twice.
      const gateways = (
        (await manager.query(
          `SELECT ${DEVICE_COLUMNS} FROM devices
         WHERE role = 'gateway' AND online AND last_seen_at <= $1
         ORDER BY last_seen_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [now - offlineAfterMs, limit],
        )) as Row[]
      ).map(deviceOf);
      if (gateways.length === 0) return 0;
      const subs = (
        (await manager.query(
          `SELECT ${DEVICE_COLUMNS} FROM devices
         WHERE role = 'sub_device' AND online AND gateway_sn = ANY($1)
         ORDER BY sn FOR UPDATE`,
          [gateways.map((g) => g.sn)],
        )) as Row[]
      ).map(deviceOf);
      let count = 0;
      for (const gateway of gateways) {
        const plan = planSilence(
          gateway,
          subs.filter((sub) => sub.gatewaySn === gateway.sn),
          now,
          offlineAfterMs,
        );
        if (!plan) continue;
        for (const device of plan.writes) await this.writeDevice(manager, device, now, true);
        changes.push(...plan.changes);
        count++;
      }
      return count;
    });
  }

  /** A transaction whose collected changes go to the outbox before it commits. */
  private async transaction<T>(
    work: (manager: EntityManager, changes: DeviceChange[]) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let wrote = false;
      try {
        const result = await this.dataSource.transaction(async (manager) => {
          const changes: DeviceChange[] = [];
          const value = await work(manager, changes);
          await this.outbox(manager, changes);
          wrote = changes.length > 0;
          return value;
        });
        if (wrote) this.settings.onOutbox?.();
        return result;
      } catch (error) {
        const code =
          (error as { driverError?: { code?: string } }).driverError?.code ??
          (error as { code?: string }).code;
        const retryable =
          error instanceof ConcurrentInsertError || (code !== undefined && RETRYABLE.has(code));
        if (attempt >= 5 || !retryable) throw error;
      }
    }
  }

  private async lockDevices(
    manager: EntityManager,
    sns: readonly string[],
  ): Promise<Map<string, Device>> {
    // Sorted, so two transactions over the same devices lock them in the same order.
    const rows = (await manager.query(
      `SELECT ${DEVICE_COLUMNS} FROM devices WHERE sn = ANY($1) ORDER BY sn FOR UPDATE`,
      [[...new Set(sns)].sort()],
    )) as Row[];
    return new Map(rows.map((row) => [String(row.sn), deviceOf(row)]));
  }

  /**
   * Writes a device the transaction decided on. `existed`: the row was read (and locked) first,
   * so it is updated; otherwise it is inserted, and a row another transaction inserted in the
   * meantime makes this one start over on what is current (never overwrite a decision made on
   * a row it did not see, e.g. a binding committed while a topology was being planned).
   */
  private async writeDevice(
    manager: EntityManager,
    d: Device,
    at: number,
    existed: boolean,
  ): Promise<void> {
    const values = [
      d.sn,
      d.gatewaySn,
      d.role,
      d.modelKey,
      d.firmwareVersion,
      d.organizationId,
      d.callsign,
      d.boundAt,
      d.boundCodeId,
      d.boundTid,
      d.online,
      d.presenceChangedAt,
      d.lastSeenAt,
      at,
    ];
    const insert = `INSERT INTO devices (${DEVICE_COLUMNS}, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`;
    if (!existed) {
      const inserted = (await manager.query(
        `${insert} ON CONFLICT (sn) DO NOTHING RETURNING sn`,
        values,
      )) as Row[];
      if (inserted.length === 0) throw new ConcurrentInsertError(d.sn);
      return;
    }
    await manager.query(
      `${insert}
       ON CONFLICT (sn) DO UPDATE SET
         gateway_sn = excluded.gateway_sn, role = excluded.role, model_key = excluded.model_key,
         firmware_version = excluded.firmware_version, organization_id = excluded.organization_id,
         callsign = excluded.callsign, bound_at = excluded.bound_at,
         bound_code_id = excluded.bound_code_id, bound_tid = excluded.bound_tid,
         online = excluded.online, presence_changed_at = excluded.presence_changed_at,
         last_seen_at = excluded.last_seen_at, updated_at = excluded.updated_at`,
      values,
    );
  }

  private async outbox(manager: EntityManager, changes: readonly DeviceChange[]): Promise<void> {
    if (changes.length === 0) return;
    const records = changes.map(deviceEventRecord);
    await manager.query(
      `INSERT INTO outbox (topic, key, payload, headers, created_at)
       SELECT $1, k, p, h, $5 FROM unnest($2::text[], $3::jsonb[], $4::jsonb[]) AS v(k, p, h)`,
      [
        this.settings.deviceEventsTopic,
        records.map((r) => r.gatewaySn),
        records.map((r) => JSON.stringify(r)),
        records.map((r) => JSON.stringify(deviceEventHeaders(r))),
        Math.max(...records.map((r) => r.at)),
      ],
    );
  }
}
