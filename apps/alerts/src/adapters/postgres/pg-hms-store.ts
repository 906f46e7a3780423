import type { DataSource, EntityManager } from 'typeorm';
import type { HmsAlertRecord } from '@dock/contracts';
import type { AlertQuery, HmsDockTransaction, HmsStore } from '../../application/ports';
import type { StoredAlert } from '../../domain/hms/hms-alert';

type Row = Record<string, unknown>;
const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

export function toAlert(row: Row): StoredAlert & { organizationId: string } {
  return {
    id: row.id as string,
    key: row.alert_key as string,
    organizationId: row.organization_id as string,
    gatewaySn: row.gateway_sn as string,
    flightId: (row.flight_id as string | null) ?? null,
    deviceType: row.device_type as string,
    code: row.code as string,
    level: num(row.level),
    module: num(row.module),
    inTheSky: row.in_the_sky as boolean,
    imminent: row.imminent as boolean,
    componentIndex: numOrNull(row.component_index),
    sensorIndex: numOrNull(row.sensor_index),
    args: row.args as Record<string, unknown>,
    message: (row.message as string | null) ?? null,
    firstSeenAt: num(row.first_seen_at),
    lastSeenAt: num(row.last_seen_at),
    clearedAt: numOrNull(row.cleared_at),
    count: num(row.count),
  };
}

/** HMS alerts in PostgreSQL; every hms message is one transaction under the dock's row lock. */
export class PgHmsStore implements HmsStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hmsTopic: string,
  ) {}

  withDock<T>(gatewaySn: string, work: (tx: HmsDockTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO hms_docks (gateway_sn, updated_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [gatewaySn, Date.now()],
      );
      const [dock] = (await manager.query(
        'SELECT last_hms_at, flight_id, flight_active FROM hms_docks WHERE gateway_sn = $1 FOR UPDATE',
        [gatewaySn],
      )) as Row[];
      return work(this.transaction(manager, gatewaySn, dock));
    });
  }

  private transaction(manager: EntityManager, gatewaySn: string, dock: Row): HmsDockTransaction {
    const topic = this.hmsTopic;
    return {
      lastHmsAt: numOrNull(dock.last_hms_at),
      activeFlightId: dock.flight_active === true ? (dock.flight_id as string) : null,
      async activeAlerts() {
        const rows = (await manager.query(
          'SELECT * FROM hms_alerts WHERE gateway_sn = $1 AND cleared_at IS NULL',
          [gatewaySn],
        )) as Row[];
        return rows.map(toAlert);
      },
      async insertAlert(alert: StoredAlert, organizationId: string) {
        await manager.query(
          `INSERT INTO hms_alerts (id, organization_id, gateway_sn, alert_key, flight_id, device_type, code,
             level, module, in_the_sky, imminent, component_index, sensor_index, args, message,
             first_seen_at, last_seen_at, cleared_at, count)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)`,
          [
            alert.id,
            organizationId,
            alert.gatewaySn,
            alert.key,
            alert.flightId,
            alert.deviceType,
            alert.code,
            alert.level,
            alert.module,
            alert.inTheSky,
            alert.imminent,
            alert.componentIndex,
            alert.sensorIndex,
            JSON.stringify(alert.args),
            alert.message,
            alert.firstSeenAt,
            alert.lastSeenAt,
            alert.clearedAt,
            alert.count,
          ],
        );
      },
      async updateAlert(alert: StoredAlert) {
        await manager.query(
          `UPDATE hms_alerts SET level = $2, in_the_sky = $3, imminent = $4, args = $5, message = $6,
             last_seen_at = $7, cleared_at = $8, count = $9 WHERE id = $1`,
          [
            alert.id,
            alert.level,
            alert.inTheSky,
            alert.imminent,
            JSON.stringify(alert.args),
            alert.message,
            alert.lastSeenAt,
            alert.clearedAt,
            alert.count,
          ],
        );
      },
      async markApplied(at: number) {
        await manager.query(
          'UPDATE hms_docks SET last_hms_at = $2, updated_at = $3 WHERE gateway_sn = $1',
          [gatewaySn, at, Date.now()],
        );
      },
      async outbox(record: HmsAlertRecord) {
        await manager.query(
          'INSERT INTO outbox (topic, key, payload, created_at) VALUES ($1, $2, $3, $4)',
          [topic, record.gatewaySn, JSON.stringify(record), Date.now()],
        );
      },
    };
  }

  async observeFlight(
    gatewaySn: string,
    flightId: string,
    active: boolean,
    at: number,
  ): Promise<void> {
    // A final report of an older flight must not end the one now flying.
    await this.dataSource.query(
      `INSERT INTO hms_docks (gateway_sn, flight_id, flight_active, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (gateway_sn) DO UPDATE SET flight_id = $2, flight_active = $3, updated_at = $4
       WHERE $3 OR hms_docks.flight_id = $2 OR hms_docks.flight_id IS NULL`,
      [gatewaySn, flightId, active, at],
    );
  }

  async listAlerts(query: AlertQuery): Promise<(StoredAlert & { organizationId: string })[]> {
    const where = ['organization_id = $1'];
    const params: unknown[] = [query.organizationId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.gatewaySn) add('gateway_sn = ?', query.gatewaySn);
    if (query.flightId) add('flight_id = ?', query.flightId);
    if (query.before !== undefined) add('first_seen_at < ?', query.before);
    if (query.state === 'active') where.push('cleared_at IS NULL');
    if (query.state === 'cleared') where.push('cleared_at IS NOT NULL');
    params.push(query.limit);
    const rows = (await this.dataSource.query(
      `SELECT * FROM hms_alerts WHERE ${where.join(' AND ')}
       ORDER BY first_seen_at DESC, id LIMIT $${params.length}`,
      params,
    )) as Row[];
    return rows.map(toAlert);
  }
}
