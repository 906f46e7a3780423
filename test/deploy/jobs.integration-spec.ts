/**
 * The programs the deployment Jobs run, for real: topic provisioning against the local Kafka,
 * and the migration command, built as the image builds it, against the local PostgreSQL.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DEFAULT_PARTITIONS, KAFKA_TOPICS } from '@dock/contracts';
import { infraSettings, uniqueName } from '../support/infra-settings';
import { ROOT } from './support/k8s';
import { CONFIG_SCHEMAS, REQUIRED_SETTINGS, ServiceName } from './support/config-schemas';
import { MIGRATIONS, migrationTargets } from '../../scripts/migrate';

function allTopics(tree: object): string[] {
  return Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : allTopics(v)));
}

describe('deploy/topics.json', () => {
  it('mirrors the topics and default partitions of libs/contracts', () => {
    const { topics } = JSON.parse(readFileSync(path.join(ROOT, 'deploy/topics.json'), 'utf8'));
    expect(topics).toEqual(DEFAULT_PARTITIONS);
    expect(Object.keys(topics).sort()).toEqual(allTopics(KAFKA_TOPICS).sort());
  });
});

describe('provision-topics (the kafka-topics Job)', () => {
  const kafka = new Kafka({
    clientId: 'deploy-test',
    brokers: infraSettings.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const a = uniqueName('deploy-a');
  const b = uniqueName('deploy-b');
  let topicsFile: string;

  beforeAll(async () => {
    await admin.connect();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'topics-'));
    topicsFile = path.join(dir, 'topics.json');
    writeFileSync(topicsFile, JSON.stringify({ topics: { [a]: 2, [b]: 1 } }));
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [a, b] }).catch(() => undefined);
    await admin.disconnect();
  });

  function provision(env: Record<string, string> = {}, args: string[] = []) {
    return spawnSync(
      process.execPath,
      ['deploy/docker/entrypoint.js', 'provision-topics', ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          KAFKA_BROKERS: infraSettings.kafkaBrokers.join(','),
          TOPICS_FILE: topicsFile,
          PROVISION_TIMEOUT_MS: '60000',
          ...env,
        },
      },
    );
  }
  async function partitions(): Promise<Record<string, number>> {
    const { topics } = await admin.fetchTopicMetadata({ topics: [a, b] });
    return Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
  }

  it('creates missing topics with their partitions and topic configs', async () => {
    const run = provision({ TOPIC_CONFIG: 'retention.ms=3600000' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(await partitions()).toEqual({ [a]: 2, [b]: 1 });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: a, configNames: ['retention.ms'] }],
    });
    expect(configs.resources[0].configEntries[0].configValue).toBe('3600000');
  });

  it('adds partitions where more are asked, never removes any, and is idempotent', async () => {
    expect(provision({ TOPIC_PARTITIONS: `${a}=4` }).status).toBe(0);
    expect(await partitions()).toEqual({ [a]: 4, [b]: 1 });
    expect(provision({ TOPIC_PARTITIONS: `${a}=3` }).status).toBe(0);
    expect(await partitions()).toEqual({ [a]: 4, [b]: 1 });
    const again = provision();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('"created":[]');
  });

  it('changes nothing on a dry run', async () => {
    const run = provision({ TOPIC_PARTITIONS: `${b}=5` }, ['--dry-run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('would add partitions');
    expect(await partitions()).toEqual({ [a]: 4, [b]: 1 });
  });

  it('refuses bad settings with exit code 2, naming the variable', () => {
    const unknown = provision({ TOPIC_PARTITIONS: 'no.such.topic=3' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('TOPIC_PARTITIONS: unknown topic "no.such.topic"');
    const badRf = provision({ TOPIC_REPLICATION_FACTOR: '0' });
    expect(badRf.status).toBe(2);
    expect(badRf.stderr).toContain('TOPIC_REPLICATION_FACTOR');
    const partialSasl = provision({ KAFKA_SASL_MECHANISM: 'scram-sha-256' });
    expect(partialSasl.status).toBe(2);
    expect(partialSasl.stderr).toContain('KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD: required');
    const caWithoutTls = provision({ KAFKA_SSL_CA_FILE: '/etc/ssl/ca.pem' });
    expect(caWithoutTls.status).toBe(2);
    expect(caWithoutTls.stderr).toContain('KAFKA_SSL_CA_FILE: needs KAFKA_SSL=true');
  });

  it('provisions a SASL-secured cluster with the services’ settings, never printing the password', async () => {
    const { scram, brokers } = infraSettings.kafkaSasl;
    const secured = provision({
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_SASL_MECHANISM: scram.mechanism,
      KAFKA_SASL_USERNAME: scram.username,
      KAFKA_SASL_PASSWORD: scram.password,
      TOPIC_PARTITIONS: `${b}=2`,
    });
    expect(secured.stderr).toBe('');
    expect(secured.status).toBe(0);
    expect(secured.stdout).not.toContain(scram.password);
    expect(await partitions()).toEqual({ [a]: 4, [b]: 2 });
    const wrong = provision({
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_SASL_MECHANISM: scram.mechanism,
      KAFKA_SASL_USERNAME: scram.username,
      KAFKA_SASL_PASSWORD: 'not-the-password',
      PROVISION_TIMEOUT_MS: '20000',
    });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/SASL|authentication/i);
    expect(wrong.stderr).not.toContain(scram.password);
  });
});

describe('migrate (the db-migrate Job)', () => {
  // A schema of this run for every service the migrate program knows (never the services' own).
  const schemas: Record<string, string> = Object.fromEntries(
    Object.keys(MIGRATIONS).map((service) => [service, uniqueName(`deploy_${service}`, '_')]),
  );
  const client = new Client({ connectionString: infraSettings.databaseUrl });

  beforeAll(async () => {
    // What the image's build stage runs after the apps: dist/tools/migrate.js.
    execFileSync(process.execPath, ['scripts/migrate-build.js'], { cwd: ROOT, stdio: 'pipe' });
    await client.connect();
  });
  afterAll(async () => {
    for (const schema of Object.values(schemas)) {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
    await client.end();
  });

  function migrate(args: string[], env: Record<string, string>) {
    return spawnSync(process.execPath, ['deploy/docker/entrypoint.js', 'migrate', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DATABASE_URL: infraSettings.databaseUrl, ...env },
    });
  }

  it('uses the services’ own schema defaults', () => {
    for (const service of Object.keys(MIGRATIONS) as ServiceName[]) {
      const defaults = CONFIG_SCHEMAS[service].parse({
        NODE_ENV: 'test',
        ...REQUIRED_SETTINGS,
      }) as {
        DATABASE_SCHEMA: string;
      };
      expect(migrationTargets([service], {})[0].schema).toBe(defaults.DATABASE_SCHEMA);
    }
  });

  it('migrates each schema with the service’s own migrations, and again harmlessly', async () => {
    const env = Object.fromEntries(
      Object.entries(schemas).map(([service, schema]) => [
        `${service.toUpperCase()}_DATABASE_SCHEMA`,
        schema,
      ]),
    );
    for (let round = 0; round < 2; round++) {
      const run = migrate([], env);
      expect(run.status).toBe(0);
      expect(run.stdout.match(/schema migrated/g)).toHaveLength(Object.keys(schemas).length);
    }
    for (const [service, schema] of Object.entries(schemas)) {
      const { rows } = await client.query(`SELECT name FROM "${schema}".migrations ORDER BY id`);
      const expected = (MIGRATIONS[service] as { name: string }[]).map((m) => m.name);
      expect(rows.map((r) => r.name)).toEqual(expected);
      const tables = await client.query(
        'SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1',
        [schema],
      );
      expect(tables.rows[0].n).toBeGreaterThan(1);
    }
  });

  it('fails with exit code 2 on an unknown service and 1 when the database refuses', () => {
    expect(migrate(['nope'], {}).status).toBe(2);
    const refused = migrate(['mission'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      MISSION_DATABASE_SCHEMA: schemas.mission,
    });
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('migration failed');
  });
});
