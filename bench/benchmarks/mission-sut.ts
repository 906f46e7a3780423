import { Client } from 'pg';
import { BenchContext, env } from '../lib/context';
import { waitHttpOk } from '../lib/http';
import { BenchTopics, serviceUnderTestEnv } from '../lib/kafka';
import { BenchChild } from '../lib/proc';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Replica r listens on this + r; set BENCH_MISSION_PORT when another run holds 13100.. */
const BASE_PORT = env('BENCH_MISSION_PORT', 13_100);

/** Starts `replicas` mission services on one schema; resolves when all answer ready. */
export async function startMission(
  ctx: BenchContext,
  label: string,
  topics: BenchTopics,
  replicas: number,
  extraEnv: Record<string, string> = {},
): Promise<{ children: BenchChild[]; urls: string[]; schema: string }> {
  const schema = `bench_${label}_${ctx.runId}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const children: BenchChild[] = [];
  const urls: string[] = [];
  for (let r = 0; r < replicas; r++) {
    const port = BASE_PORT + r;
    urls.push(`http://127.0.0.1:${port}`);
    children.push(
      new BenchChild(`mission-${label}-${r}`, 'bench/sut/mission.ts', {
        logDir: ctx.logDir,
        env: {
          ...serviceUnderTestEnv(topics, port),
          DATABASE_URL,
          DATABASE_SCHEMA: schema,
          MISSION_KAFKA_GROUP_PREFIX: `bench-${ctx.runId}-${label}`,
          KAFKA_CLIENT_ID: `bench-mission-${r}`,
          SERVICE_NAME: `mission-${r}`,
          ...extraEnv,
        },
      }),
    );
    // The first replica migrates the schema; the others start once it is there.
    await waitHttpOk(`${urls[r]}/health/ready`, 90_000);
  }
  return { children, urls, schema };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
