import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';

/**
 * Every task, plan and command belongs to one organization (issue 14). Rows written before
 * organizations existed go to the default organization; the column keeps no default
 * afterwards, so every write has to state its organization. (ADD COLUMN with a constant
 * default is a catalogue change in PostgreSQL 11+: no table rewrite.) The indexes serve the
 * scoped lists: tasks newest planned first, plans newest first.
 */
export class OrganizationScope1764860000000 implements MigrationInterface {
  name = 'OrganizationScope1764860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['tasks', 'plans', 'commands']) {
      await queryRunner.query(
        `ALTER TABLE ${table} ADD COLUMN organization_id text NOT NULL DEFAULT '${DEFAULT_ORGANIZATION_ID}'`,
      );
      await queryRunner.query(`ALTER TABLE ${table} ALTER COLUMN organization_id DROP DEFAULT`);
    }
    await queryRunner.query(
      `CREATE INDEX tasks_organization_planned_idx
       ON tasks (organization_id, planned_at DESC, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX plans_organization_idx ON plans (organization_id, created_at DESC)
       WHERE state <> 'deleted'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX plans_organization_idx');
    await queryRunner.query('DROP INDEX tasks_organization_planned_idx');
    for (const table of ['commands', 'plans', 'tasks']) {
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN organization_id`);
    }
  }
}
