import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Due work in its own narrow table (issue 17). The scheduler used to find due tasks through
 * tasks_due_idx, a partial index over the big tasks table: every dispatch rewrote the task row
 * (next_action_at moves), so the index filled with dead entries that each scan had to step over
 * until vacuum caught up, and the round's cost grew with the backlog rather than with the work.
 *
 * dock_due holds one small row per dock that needs looking at, with the time it does: the
 * scheduler claims rows whose time has come (FOR UPDATE SKIP LOCKED: replicas never share a dock,
 * so never a task), plans the dock, and writes the dock's next time or deletes the row. Any other
 * write to a task (creation, a dock's answer, a progress report) brings the dock's time forward
 * (LEAST), never back. Existing open tasks get their docks' rows from what they hold now; a dock
 * with a started task is looked at once at start so that the watchdog's time is computed.
 */
export class DockDueQueue1765000000000 implements MigrationInterface {
  name = 'DockDueQueue1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dock_due (
        gateway_sn text PRIMARY KEY REFERENCES docks (gateway_sn),
        due_at bigint NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX dock_due_at_idx ON dock_due (due_at)`);
    await queryRunner.query(`
      INSERT INTO dock_due (gateway_sn, due_at)
      SELECT gateway_sn, min(COALESCE(next_action_at, updated_at))
      FROM tasks
      WHERE state IN ('scheduled','preparing','prepared','ready','executing','in_progress','paused')
      GROUP BY gateway_sn`);
    await queryRunner.query('DROP INDEX tasks_due_idx');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX tasks_due_idx ON tasks (next_action_at) WHERE next_action_at IS NOT NULL`,
    );
    await queryRunner.query('DROP TABLE dock_due');
  }
}
