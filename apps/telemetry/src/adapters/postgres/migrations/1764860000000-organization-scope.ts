import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';

/** Every table of stored dock reports: each row belongs to one organization. */
const SCOPED_TABLES = [
  'progress_reports',
  'flight_latest',
  'dock_latest',
  'rth_paths',
  'rth_latest',
  'exit_homing_notices',
  'ready_notices',
];

/**
 * Every flight (and every progress report, RTH path and notice) belongs to one organization
 * (issue 14). Rows written before organizations existed go to the default organization; the
 * column keeps no default afterwards, so every write has to state its organization. (ADD
 * COLUMN with a constant default is a catalogue change in PostgreSQL 11+: no table rewrite.)
 *
 * Docks do not say whose they are: flight_organizations and dock_organizations hold what the
 * mission service's task events said (see domain/organizations.ts). Reads by flight or dock
 * use the existing indexes and filter the few rows they find; the fleet list walks a dock
 * index per organization.
 */
export class OrganizationScope1764860000000 implements MigrationInterface {
  name = 'OrganizationScope1764860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of SCOPED_TABLES) {
      await queryRunner.query(
        `ALTER TABLE ${table} ADD COLUMN organization_id text NOT NULL DEFAULT '${DEFAULT_ORGANIZATION_ID}'`,
      );
      await queryRunner.query(`ALTER TABLE ${table} ALTER COLUMN organization_id DROP DEFAULT`);
    }
    await queryRunner.query(
      `CREATE INDEX dock_latest_organization_idx ON dock_latest (organization_id, (gateway_sn COLLATE "C"))`,
    );
    await queryRunner.query(`
      CREATE TABLE flight_organizations (
        flight_id text PRIMARY KEY,
        gateway_sn text NOT NULL,
        organization_id text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE dock_organizations (
        gateway_sn text PRIMARY KEY,
        organization_id text NOT NULL,
        learned_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE dock_organizations');
    await queryRunner.query('DROP TABLE flight_organizations');
    await queryRunner.query('DROP INDEX dock_latest_organization_idx');
    for (const table of SCOPED_TABLES) {
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN organization_id`);
    }
  }
}
