import type { DataSource } from 'typeorm';
import type { MqttCredentialStore } from '../../application/ports';
import type { DeviceBinding } from '../../domain/mqtt-access';
import type { MqttCredential } from '../../domain/mqtt-credential';
import { isUuid, Row } from './rows';

function credentialOf(row: Row): MqttCredential {
  return {
    id: String(row.id),
    kind: row.kind === 'gateway' ? 'gateway' : 'organization',
    organizationId: row.organization_id === null ? null : String(row.organization_id),
    username: String(row.username),
    passwordHash: String(row.password_hash),
    createdAt: Number(row.created_at),
    rotatedAt: Number(row.rotated_at),
  };
}

/** The registry's MQTT credentials in PostgreSQL (table mqtt_credentials). */
export class PgMqttCredentialStore implements MqttCredentialStore {
  constructor(private readonly dataSource: DataSource) {}

  async insertMqttCredential(credential: MqttCredential): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO mqtt_credentials
         (id, kind, organization_id, username, password_hash, created_at, rotated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        credential.id,
        credential.kind,
        credential.organizationId,
        credential.username,
        credential.passwordHash,
        credential.createdAt,
        credential.rotatedAt,
      ],
    );
  }

  async listMqttCredentials(organizationId: string | null): Promise<MqttCredential[]> {
    if (organizationId !== null && !isUuid(organizationId)) return [];
    const rows = (await this.dataSource.query(
      organizationId === null
        ? `SELECT * FROM mqtt_credentials WHERE organization_id IS NULL ORDER BY created_at, id`
        : `SELECT * FROM mqtt_credentials WHERE organization_id = $1 ORDER BY created_at, id`,
      organizationId === null ? [] : [organizationId],
    )) as Row[];
    return rows.map(credentialOf);
  }

  async allMqttCredentials(): Promise<MqttCredential[]> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM mqtt_credentials ORDER BY created_at, id',
    )) as Row[];
    return rows.map(credentialOf);
  }

  async setMqttPassword(
    id: string,
    organizationId: string | null,
    passwordHash: string,
    at: number,
  ): Promise<MqttCredential | undefined> {
    if (!isUuid(id) || (organizationId !== null && !isUuid(organizationId))) return undefined;
    const [rows] = (await this.dataSource.query(
      `UPDATE mqtt_credentials SET password_hash = $3, rotated_at = $4
       WHERE id = $1 AND organization_id IS NOT DISTINCT FROM $2::uuid RETURNING *`,
      [id, organizationId, passwordHash, at],
    )) as [Row[], number];
    return rows[0] ? credentialOf(rows[0]) : undefined;
  }

  async deleteMqttCredential(id: string, organizationId: string): Promise<boolean> {
    if (!isUuid(id) || !isUuid(organizationId)) return false;
    const [rows] = (await this.dataSource.query(
      'DELETE FROM mqtt_credentials WHERE id = $1 AND organization_id = $2 RETURNING id',
      [id, organizationId],
    )) as [Row[], number];
    return rows.length > 0;
  }

  async deviceBindings(): Promise<Map<string, DeviceBinding>> {
    const rows = (await this.dataSource.query(
      'SELECT sn, gateway_sn, organization_id FROM devices',
    )) as Row[];
    const bindings = new Map<string, DeviceBinding>();
    for (const row of rows) {
      bindings.set(String(row.sn), {
        gatewaySn: String(row.gateway_sn),
        organizationId: row.organization_id === null ? null : String(row.organization_id),
      });
    }
    return bindings;
  }
}
