import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';

/**
 * Every wayline and flight binding belongs to one organization (issue 14). Rows written before
 * organizations existed go to the default organization; the column keeps no default
 * afterwards, so every write has to state its organization. (ADD COLUMN with a constant
 * default is a catalogue change in PostgreSQL 11+: no table rewrite.) The index serves the
 * scoped list (newest first); bindings are read by flight id, their key.
 */
export class OrganizationScope1764860000000 implements MigrationInterface {
  name = 'OrganizationScope1764860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['waylines', 'flight_bindings']) {
      await queryRunner.query(
        `ALTER TABLE ${table} ADD COLUMN organization_id text NOT NULL DEFAULT '${DEFAULT_ORGANIZATION_ID}'`,
      );
      await queryRunner.query(`ALTER TABLE ${table} ALTER COLUMN organization_id DROP DEFAULT`);
    }
    await queryRunner.query(
      `CREATE INDEX waylines_organization_created_idx ON waylines (organization_id, created_at DESC, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX waylines_organization_created_idx');
    for (const table of ['flight_bindings', 'waylines']) {
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN organization_id`);
    }
  }
}
