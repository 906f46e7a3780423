import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The docks' organizations as the registry bound them (registry.device-events, binding kind):
 * read by every replica, so a dock's alerts and webhooks take the same organization whichever
 * replica handles them, and kept across restarts. organization_id null: unbound.
 */
export class CreateDockOrganizations1764900000000 implements MigrationInterface {
  name = 'CreateDockOrganizations1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dock_organizations (
        gateway_sn text PRIMARY KEY,
        organization_id text,
        changed_at bigint NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS dock_organizations`);
  }
}
