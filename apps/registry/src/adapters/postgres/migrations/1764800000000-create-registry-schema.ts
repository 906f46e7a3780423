import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME } from '@dock/contracts';

/**
 * The registry's tables. Unqualified names: the connection's search_path is the service's
 * schema. Times are milliseconds since the epoch (bigint), as in the mission schema.
 */
export class CreateRegistrySchema1764800000000 implements MigrationInterface {
  name = 'CreateRegistrySchema1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      )`);
    // The organization every record written before organizations existed belongs to.
    await queryRunner.query(
      `INSERT INTO organizations (id, name, created_at, updated_at)
       VALUES ($1, $2, (extract(epoch FROM now()) * 1000)::bigint, (extract(epoch FROM now()) * 1000)::bigint)`,
      [DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME],
    );
    await queryRunner.query(`
      CREATE TABLE binding_codes (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        code_hash char(64) NOT NULL UNIQUE,
        hint text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint,
        revoked_at bigint,
        last_used_at bigint
      )`);
    await queryRunner.query(
      `CREATE INDEX binding_codes_organization_idx ON binding_codes (organization_id, created_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE devices (
        sn text PRIMARY KEY,
        gateway_sn text NOT NULL,
        role text NOT NULL CHECK (role IN ('gateway', 'sub_device')),
        model_key text,
        firmware_version text,
        organization_id uuid REFERENCES organizations (id) ON DELETE RESTRICT,
        callsign text,
        bound_at bigint,
        bound_code_id uuid,
        bound_tid text,
        online boolean NOT NULL DEFAULT false,
        presence_changed_at bigint,
        last_seen_at bigint,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX devices_organization_idx ON devices (organization_id, sn)`,
    );
    await queryRunner.query(`CREATE INDEX devices_gateway_idx ON devices (gateway_sn)`);
    // The silence sweeper's scan: online gateways by last-seen time.
    await queryRunner.query(
      `CREATE INDEX devices_online_gateways_idx ON devices (last_seen_at) WHERE online AND role = 'gateway'`,
    );
    // Records for registry.device-events, written in the transaction of the change (outbox).
    await queryRunner.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        key text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL,
        created_at bigint NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['outbox', 'devices', 'binding_codes', 'organizations']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
