import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mission service's tables. Names are unqualified: the connection's search_path is the
 * service's schema (see createPostgresDataSource), so tests run it in a schema of their own.
 * Times are UTC epoch milliseconds (bigint), as the dock protocol counts them.
 */
export class CreateMissionSchema1732100000000 implements MigrationInterface {
  name = 'CreateMissionSchema1732100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per dock: the scheduler locks it (FOR UPDATE SKIP LOCKED) to own the dock's queue.
    await queryRunner.query(`
      CREATE TABLE docks (
        gateway_sn text PRIMARY KEY,
        created_at bigint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE plans (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        creator text NOT NULL,
        gateway_sn text NOT NULL REFERENCES docks (gateway_sn),
        wayline_id text NOT NULL,
        cron text NOT NULL,
        time_zone text NOT NULL,
        starts_at bigint NOT NULL,
        ends_at bigint NOT NULL,
        template jsonb NOT NULL,
        state text NOT NULL CHECK (state IN ('active', 'paused', 'deleted')),
        generated_until bigint NOT NULL,
        version integer NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX plans_generation_idx ON plans (generated_until) WHERE state = 'active'`,
    );
    await queryRunner.query(`
      CREATE TABLE tasks (
        flight_id text PRIMARY KEY,
        -- Creation order, for tasks created in the same millisecond (the dock queue's tie-break).
        seq bigserial NOT NULL,
        gateway_sn text NOT NULL REFERENCES docks (gateway_sn),
        wayline_id text NOT NULL,
        name text NOT NULL,
        creator text NOT NULL,
        plan_id uuid REFERENCES plans (id),
        resumed_from text,
        task_type smallint NOT NULL CHECK (task_type IN (0, 1, 2)),
        execute_time bigint,
        ready_conditions jsonb,
        executable_conditions jsonb,
        rth_altitude integer NOT NULL CHECK (rth_altitude BETWEEN 20 AND 1500),
        rth_mode smallint,
        out_of_control_action smallint NOT NULL,
        exit_wayline_when_rc_lost smallint NOT NULL,
        break_point jsonb,
        simulate_mission jsonb,
        wayline_type smallint NOT NULL,
        planned_at bigint NOT NULL,
        state text NOT NULL,
        version integer NOT NULL,
        next_action_at bigint,
        attempts integer NOT NULL,
        pending_command_id uuid,
        cancel_command_id uuid,
        ready_at bigint,
        result_code integer,
        result_meaning text,
        last_cause text NOT NULL,
        progress jsonb,
        file jsonb,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      )`);
    // A plan has at most one task per occurrence, whichever replica generates it.
    await queryRunner.query(
      `CREATE UNIQUE INDEX tasks_plan_occurrence_idx ON tasks (plan_id, execute_time) WHERE plan_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX tasks_due_idx ON tasks (next_action_at) WHERE next_action_at IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX tasks_dock_state_idx ON tasks (gateway_sn, state)`);
    await queryRunner.query(
      `CREATE INDEX tasks_planned_idx ON tasks (planned_at DESC, created_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE task_transitions (
        id bigserial PRIMARY KEY,
        flight_id text NOT NULL REFERENCES tasks (flight_id),
        from_state text,
        to_state text NOT NULL,
        cause text NOT NULL,
        result_code integer,
        result_meaning text,
        version integer NOT NULL,
        at bigint NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX task_transitions_flight_idx ON task_transitions (flight_id, id)`,
    );
    await queryRunner.query(`
      CREATE TABLE commands (
        id uuid PRIMARY KEY,
        gateway_sn text NOT NULL,
        method text NOT NULL,
        flight_ids text[] NOT NULL,
        bid text NOT NULL,
        data jsonb,
        attempt integer NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'accepted', 'refused', 'timeout', 'invalid')),
        result_code integer,
        result_meaning text,
        error text,
        requested_at bigint NOT NULL,
        completed_at bigint
      )`);
    await queryRunner.query(
      `CREATE INDEX commands_dock_idx ON commands (gateway_sn, requested_at DESC)`,
    );
    // Records for Kafka, written in the transaction of the change they announce (outbox).
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
    for (const table of ['outbox', 'commands', 'task_transitions', 'tasks', 'plans', 'docks']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
