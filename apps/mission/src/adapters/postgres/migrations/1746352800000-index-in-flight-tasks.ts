import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The in-flight watchdog asks every scheduler round for started tasks not written since a
 * cutoff. Started tasks are about one per dock while the table keeps every task ever run, so a
 * partial index on them keeps that question cheap. The predicate must stay the one the store
 * queries with (its STARTED_STATES) for PostgreSQL to use the index.
 */
export class IndexInFlightTasks1746352800000 implements MigrationInterface {
  name = 'IndexInFlightTasks1746352800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX tasks_in_flight_idx ON tasks (updated_at)
       WHERE state IN ('executing','in_progress','paused')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX tasks_in_flight_idx');
  }
}
