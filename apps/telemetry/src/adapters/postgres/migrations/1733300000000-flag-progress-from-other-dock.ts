import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Progress a dock sent about another dock's flight is kept (it is evidence of a misconfigured
 * or hostile dock) but flagged, and left out of the flight's timeline (domain/flight-ownership).
 */
export class FlagProgressFromOtherDock1733300000000 implements MigrationInterface {
  name = 'FlagProgressFromOtherDock1733300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE progress_reports ADD COLUMN from_other_dock boolean NOT NULL DEFAULT false`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE progress_reports DROP COLUMN from_other_dock`);
  }
}
