import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which organization each dock belongs to, learned from the registry's binding events
 * (registry.device-events), so the service refuses to command a dock of another organization
 * (issue 15). organization_id null: unbound. changed_at: the event's time, so a redelivered
 * older binding does not undo a newer one.
 */
export class DockOrganizations1765000000001 implements MigrationInterface {
  name = 'DockOrganizations1765000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dock_organizations (
        gateway_sn text PRIMARY KEY,
        organization_id text,
        changed_at bigint NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS dock_organizations');
  }
}
