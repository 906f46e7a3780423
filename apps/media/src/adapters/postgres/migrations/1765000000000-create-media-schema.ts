import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The media service's tables: flights (expected against received, status), files (one row per
 * dock and object key: a retried callback is recorded once), the docks' organizations as the
 * mission's task events name them, prioritize calls with their outcome, and the outbox of
 * media.records.
 */
export class CreateMediaSchema1765000000000 implements MigrationInterface {
  name = 'CreateMediaSchema1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE media_flights (
        flight_id text PRIMARY KEY,
        gateway_sn text NOT NULL,
        organization_id text NOT NULL,
        known boolean NOT NULL DEFAULT false,
        expected integer,
        received integer NOT NULL DEFAULT 0,
        ended_at bigint,
        last_received_at bigint,
        status text NOT NULL DEFAULT 'pending',
        status_changed_at bigint NOT NULL,
        upload_first_at bigint
      )`);
    await queryRunner.query(
      `CREATE INDEX media_flights_pending ON media_flights (ended_at) WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX media_flights_dock ON media_flights (gateway_sn, status_changed_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE media_files (
        id uuid PRIMARY KEY,
        organization_id text NOT NULL,
        gateway_sn text NOT NULL,
        flight_id text,
        object_key text NOT NULL,
        name text NOT NULL,
        path text,
        type text NOT NULL,
        is_original boolean,
        captured_at timestamptz,
        latitude double precision,
        longitude double precision,
        gimbal_yaw_degree double precision,
        absolute_altitude double precision,
        relative_altitude double precision,
        drone_model_key text,
        payload_model_key text,
        size_bytes bigint,
        fingerprint text,
        unknown_flight boolean NOT NULL,
        reported_at bigint NOT NULL,
        UNIQUE (gateway_sn, object_key)
      )`);
    await queryRunner.query(
      `CREATE INDEX media_files_flight ON media_files (flight_id, reported_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX media_files_dock ON media_files (gateway_sn, reported_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE media_docks (
        gateway_sn text PRIMARY KEY,
        organization_id text NOT NULL,
        changed_at bigint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE media_prioritizations (
        correlation_id text PRIMARY KEY,
        organization_id text NOT NULL,
        gateway_sn text NOT NULL,
        flight_id text NOT NULL,
        requested_at bigint NOT NULL,
        outcome text,
        result integer,
        error text,
        completed_at bigint
      )`);
    await queryRunner.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        key text NOT NULL,
        payload jsonb NOT NULL,
        created_at bigint NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'outbox',
      'media_prioritizations',
      'media_docks',
      'media_files',
      'media_flights',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
