import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Suspended plans: the system stops a plan whose dock left the plan's organization (the dock
 * moved to another organization or was unbound), and says why in state_reason (null in every
 * other state). The values are spelt out here, as they were when this migration was written:
 * a migration never changes with the code (PLAN_STATES, PLAN_SUSPENSION_REASONS).
 */
export class PlanSuspension1765000000002 implements MigrationInterface {
  name = 'PlanSuspension1765000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE plans DROP CONSTRAINT plans_state_check');
    await queryRunner.query(
      `ALTER TABLE plans ADD CONSTRAINT plans_state_check
         CHECK (state IN ('active', 'paused', 'suspended', 'deleted'))`,
    );
    await queryRunner.query(
      `ALTER TABLE plans ADD COLUMN state_reason text
         CHECK (state_reason IN ('dock_moved_organization'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE plans DROP COLUMN state_reason');
    await queryRunner.query(`UPDATE plans SET state = 'paused' WHERE state = 'suspended'`);
    await queryRunner.query('ALTER TABLE plans DROP CONSTRAINT plans_state_check');
    await queryRunner.query(
      `ALTER TABLE plans ADD CONSTRAINT plans_state_check
         CHECK (state IN ('active', 'paused', 'deleted'))`,
    );
  }
}
