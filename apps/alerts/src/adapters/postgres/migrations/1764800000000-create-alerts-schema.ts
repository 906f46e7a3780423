import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alerts service's tables (unqualified: the connection's search_path is the service's
 * schema). Times are UTC epoch milliseconds (bigint).
 */
export class CreateAlertsSchema1764800000000 implements MigrationInterface {
  name = 'CreateAlertsSchema1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Per dock: the last hms message applied (an older one arriving late is ignored) and the
    // flight in progress (alerts raised during it carry its id).
    await queryRunner.query(`
      CREATE TABLE hms_docks (
        gateway_sn text PRIMARY KEY,
        last_hms_at bigint,
        flight_id text,
        flight_active boolean NOT NULL DEFAULT false,
        updated_at bigint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE hms_alerts (
        id uuid PRIMARY KEY,
        organization_id text NOT NULL,
        gateway_sn text NOT NULL,
        alert_key text NOT NULL,
        flight_id text,
        device_type text NOT NULL,
        code text NOT NULL,
        level integer NOT NULL,
        module integer NOT NULL,
        in_the_sky boolean NOT NULL,
        imminent boolean NOT NULL,
        component_index integer,
        sensor_index integer,
        args jsonb NOT NULL,
        message text,
        first_seen_at bigint NOT NULL,
        last_seen_at bigint NOT NULL,
        cleared_at bigint,
        count integer NOT NULL
      )`);
    // At most one active alert per dock and key: a repeated alert updates, never duplicates.
    await queryRunner.query(
      `CREATE UNIQUE INDEX hms_alerts_active_idx ON hms_alerts (gateway_sn, alert_key) WHERE cleared_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX hms_alerts_org_idx ON hms_alerts (organization_id, first_seen_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX hms_alerts_dock_idx ON hms_alerts (gateway_sn, first_seen_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX hms_alerts_flight_idx ON hms_alerts (flight_id) WHERE flight_id IS NOT NULL`,
    );
    // Transactional outbox of alerts.hms, relayed to Kafka (as the mission service's).
    await queryRunner.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        key text NOT NULL,
        payload jsonb NOT NULL,
        created_at bigint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY,
        organization_id text NOT NULL,
        url text NOT NULL,
        secret text NOT NULL,
        event_types text[] NOT NULL,
        description text,
        created_at bigint NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_subscriptions_org_idx ON webhook_subscriptions (organization_id)`,
    );
    // The durable delivery queue and log: one row per (subscription, event).
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id bigserial PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        event_id text NOT NULL,
        event_type text NOT NULL,
        ordering_key text NOT NULL,
        body text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL,
        lease_until bigint,
        first_attempt_at bigint,
        last_attempt_at bigint,
        last_status integer,
        last_error text,
        latency_ms integer,
        created_at bigint NOT NULL,
        delivered_at bigint,
        dead_at bigint,
        UNIQUE (subscription_id, event_id)
      )`);
    // The dispatcher's heads: the oldest pending delivery of each (subscription, ordering key).
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (subscription_id, ordering_key, id) WHERE state = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (subscription_id, id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE progress_throttle (
        flight_id text PRIMARY KEY,
        last_at bigint NOT NULL,
        status text NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'progress_throttle',
      'webhook_deliveries',
      'webhook_subscriptions',
      'outbox',
      'hms_alerts',
      'hms_docks',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
