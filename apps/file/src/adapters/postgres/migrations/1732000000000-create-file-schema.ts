import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The file service's tables. Names are unqualified: the connection's search_path is the
 * service's schema (see createPostgresDataSource), so tests can run it in a schema of their own.
 */
export class CreateFileSchema1732000000000 implements MigrationInterface {
  name = 'CreateFileSchema1732000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE blobs (
        fingerprint char(32) PRIMARY KEY CHECK (fingerprint ~ '^[0-9a-f]{32}$'),
        size_bytes bigint NOT NULL CHECK (size_bytes > 0),
        storage_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE waylines (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        fingerprint char(32) NOT NULL REFERENCES blobs (fingerprint) ON DELETE RESTRICT,
        size_bytes bigint NOT NULL,
        drone_model_key text,
        payload_model_keys text[] NOT NULL DEFAULT '{}',
        template_type text,
        waypoint_count integer NOT NULL,
        wayline_count integer NOT NULL,
        distance_meters double precision,
        duration_seconds double precision,
        author text,
        kml_created_at_ms bigint,
        kml_updated_at_ms bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX waylines_fingerprint_idx ON waylines (fingerprint)`);
    await queryRunner.query(
      `CREATE INDEX waylines_created_at_idx ON waylines (created_at DESC, id)`,
    );
    await queryRunner.query(`
      CREATE TABLE flight_bindings (
        flight_id text PRIMARY KEY,
        wayline_id text NOT NULL,
        gateway_sn text NOT NULL,
        task_state text,
        task_version integer,
        bound_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX flight_bindings_wayline_id_idx ON flight_bindings (wayline_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE flight_bindings`);
    await queryRunner.query(`DROP TABLE waylines`);
    await queryRunner.query(`DROP TABLE blobs`);
  }
}
