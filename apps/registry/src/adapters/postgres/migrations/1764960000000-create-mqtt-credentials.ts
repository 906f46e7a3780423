import type { MigrationInterface, QueryRunner } from 'typeorm';

/** MQTT credentials (issue 15): organizations' device credentials and the gateway's account. */
export class CreateMqttCredentials1764960000000 implements MigrationInterface {
  name = 'CreateMqttCredentials1764960000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mqtt_credentials (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('organization', 'gateway')),
        organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        created_at bigint NOT NULL,
        rotated_at bigint NOT NULL,
        CHECK ((kind = 'gateway') = (organization_id IS NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX mqtt_credentials_organization_idx ON mqtt_credentials (organization_id, created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE mqtt_credentials');
  }
}
