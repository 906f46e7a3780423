import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A dock's latest position, from its own osd pushes (domain/dock-position): one more aspect of
 * dock_latest, guarded like the others by its own (event_at, received_at, dedupe_key), so the
 * fleet map places every dock without reading its history. Nullable: docks stored before this
 * (or without a fix yet) have none.
 */
export class DockPosition1764950000000 implements MigrationInterface {
  name = 'DockPosition1764950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE dock_latest
        ADD COLUMN latitude double precision,
        ADD COLUMN longitude double precision,
        ADD COLUMN height double precision,
        ADD COLUMN position_event_at timestamptz,
        ADD COLUMN position_received_at timestamptz,
        ADD COLUMN position_dedupe_key text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE dock_latest
        DROP COLUMN latitude,
        DROP COLUMN longitude,
        DROP COLUMN height,
        DROP COLUMN position_event_at,
        DROP COLUMN position_received_at,
        DROP COLUMN position_dedupe_key`);
  }
}
