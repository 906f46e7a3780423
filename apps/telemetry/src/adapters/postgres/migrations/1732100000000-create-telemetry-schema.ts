import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The telemetry tables. Names are unqualified: the connection's search_path is the service's
 * schema (see createPostgresDataSource), so tests run the same migration in a fresh schema.
 *
 * Raw history (one row per dock message, unique per (gateway_sn, dedupe_key) so a redelivery
 * is stored once) and latest-state tables (one row per flight / dock, moved forward only by a
 * newer dock timestamp). Integers are bigint: the mapper refuses anything beyond 2^53, so no
 * dock value can fail a batch. received_at (the gateway's clock) drives retention.
 */
export class CreateTelemetrySchema1732100000000 implements MigrationInterface {
  name = 'CreateTelemetrySchema1732100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE progress_reports (
        id bigserial PRIMARY KEY,
        gateway_sn text NOT NULL,
        dedupe_key text NOT NULL,
        tid text NOT NULL,
        bid text NOT NULL,
        flight_id text NOT NULL,
        status text NOT NULL,
        is_final boolean NOT NULL,
        result bigint NOT NULL,
        current_step bigint,
        percent bigint,
        waypoint_index bigint,
        wayline_id bigint,
        wayline_mission_state bigint,
        media_count bigint,
        track_id text,
        break_point jsonb,
        ext jsonb,
        event_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT progress_reports_dedupe UNIQUE (gateway_sn, dedupe_key)
      )`,
      `CREATE INDEX progress_reports_flight_idx ON progress_reports (flight_id, event_at, id)`,
      `CREATE INDEX progress_reports_received_idx ON progress_reports (received_at)`,
      `CREATE TABLE flight_latest (
        flight_id text PRIMARY KEY,
        gateway_sn text NOT NULL,
        dedupe_key text NOT NULL,
        tid text NOT NULL,
        bid text NOT NULL,
        status text NOT NULL,
        is_final boolean NOT NULL,
        result bigint NOT NULL,
        current_step bigint,
        percent bigint,
        waypoint_index bigint,
        wayline_id bigint,
        wayline_mission_state bigint,
        media_count bigint,
        track_id text,
        break_point jsonb,
        ext jsonb,
        event_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        first_event_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX flight_latest_dock_idx ON flight_latest (gateway_sn, event_at DESC)`,
      `CREATE INDEX flight_latest_received_idx ON flight_latest (received_at)`,
      `CREATE TABLE dock_latest (
        gateway_sn text PRIMARY KEY,
        progress_flight_id text,
        progress_event_at timestamptz,
        progress_received_at timestamptz,
        progress_dedupe_key text,
        dock_online boolean,
        aircraft_online boolean,
        aircraft_sn text,
        topo_event_at timestamptz,
        topo_received_at timestamptz,
        topo_dedupe_key text,
        rth_flight_id text,
        rth_event_at timestamptz,
        rth_received_at timestamptz,
        rth_dedupe_key text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE rth_paths (
        id bigserial PRIMARY KEY,
        gateway_sn text NOT NULL,
        dedupe_key text NOT NULL,
        tid text NOT NULL,
        bid text NOT NULL,
        flight_id text,
        last_point_type bigint,
        points jsonb NOT NULL,
        point_count integer NOT NULL,
        event_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rth_paths_dedupe UNIQUE (gateway_sn, dedupe_key)
      )`,
      `CREATE INDEX rth_paths_flight_idx ON rth_paths (flight_id, event_at, id)`,
      `CREATE INDEX rth_paths_dock_idx ON rth_paths (gateway_sn, event_at DESC) WHERE point_count > 0`,
      `CREATE INDEX rth_paths_received_idx ON rth_paths (received_at)`,
      `CREATE TABLE rth_latest (
        flight_id text PRIMARY KEY,
        gateway_sn text NOT NULL,
        dedupe_key text NOT NULL,
        tid text NOT NULL,
        bid text NOT NULL,
        last_point_type bigint,
        points jsonb NOT NULL,
        point_count integer NOT NULL,
        event_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX rth_latest_received_idx ON rth_latest (received_at)`,
      `CREATE TABLE exit_homing_notices (
        id bigserial PRIMARY KEY,
        gateway_sn text NOT NULL,
        dedupe_key text NOT NULL,
        tid text NOT NULL,
        bid text NOT NULL,
        sn text,
        action bigint NOT NULL,
        action_label text NOT NULL,
        reason bigint NOT NULL,
        reason_label text NOT NULL,
        event_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT exit_homing_notices_dedupe UNIQUE (gateway_sn, dedupe_key)
      )`,
      `CREATE INDEX exit_homing_notices_dock_idx ON exit_homing_notices (gateway_sn, event_at, id)`,
      `CREATE INDEX exit_homing_notices_received_idx ON exit_homing_notices (received_at)`,
      `CREATE TABLE ready_notices (
        id bigserial PRIMARY KEY,
        gateway_sn text NOT NULL,
        dedupe_key text NOT NULL,
        tid text NOT NULL,
        bid text NOT NULL,
        flight_ids text[] NOT NULL,
        event_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ready_notices_dedupe UNIQUE (gateway_sn, dedupe_key)
      )`,
      `CREATE INDEX ready_notices_flights_idx ON ready_notices USING gin (flight_ids)`,
      `CREATE INDEX ready_notices_received_idx ON ready_notices (received_at)`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'ready_notices',
      'exit_homing_notices',
      'rth_latest',
      'rth_paths',
      'dock_latest',
      'flight_latest',
      'progress_reports',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
