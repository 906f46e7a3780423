import { BenchContext, env, fmt, kafkaPid, ResultRow } from '../lib/context';
import { waitHttpOk } from '../lib/http';
import { benchTopics, createTopics, groupLag, serviceUnderTestEnv } from '../lib/kafka';
import { BenchChild, CpuMeter, sleep } from '../lib/proc';
import { slope } from '../lib/stats';
import { dropSchema } from './mission-sut';
import { cpuText } from './uplink';

/**
 * Target 6: the telemetry service stores `rate` progress events/s; its storing group's lag is
 * sampled every 2 s. Kept up = the lag does not grow (slope over the run's second half) and
 * what is left when the load stops drains within a few seconds.
 */
export async function runTelemetry(ctx: BenchContext): Promise<ResultRow> {
  const rate = env('BENCH_TELEMETRY_RATE', 10_000);
  const durationS = ctx.quick ? 20 : env('BENCH_TELEMETRY_DURATION_S', 60);
  const docks = env('BENCH_TELEMETRY_DOCKS', 10_000);
  const partitions = env('BENCH_TELEMETRY_PARTITIONS', 12);
  const poolSize = env('BENCH_TELEMETRY_POOL', 12);
  const concurrency = env('BENCH_TELEMETRY_CONCURRENCY', 12);
  const tag = `${ctx.runId}-telemetry`;
  const topics = benchTopics(`bench.${tag}`);
  await createTopics(ctx.kafka, [
    { topic: topics.uplink.events, numPartitions: partitions },
    { topic: topics.uplink.status, numPartitions: 3 },
  ]);
  const group = `bench-${tag}`;
  const schema = `bench_telemetry_${ctx.runId}`.toLowerCase();
  const port = 13_300;
  const telemetry = new BenchChild('telemetry', 'bench/sut/telemetry.ts', {
    logDir: ctx.logDir,
    env: {
      ...serviceUnderTestEnv(topics, port),
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: String(poolSize),
      TELEMETRY_PARTITIONS_CONCURRENTLY: String(concurrency),
      TELEMETRY_CONSUMER_GROUP: group,
      KAFKA_CLIENT_ID: 'bench-telemetry',
    },
  });
  try {
    await waitHttpOk(`http://127.0.0.1:${port}/health/ready`, 90_000);
    const producer = new BenchChild('telemetry-producer', 'bench/load/telemetry-producer.ts', {
      logDir: ctx.logDir,
      env: {
        BENCH_ARGS: JSON.stringify({
          topic: topics.uplink.events,
          rate,
          durationMs: durationS * 1000,
          docks,
          tidPrefix: `${tag}-`,
        }),
      },
    });
    await producer.waitFor('ready', 60_000);
    // The storing consumer has joined once its group has committed something or holds no lag.
    await sleep(3_000);
    const cpu = new CpuMeter({
      telemetry: telemetry.pid,
      producer: producer.pid,
      kafka: kafkaPid(),
    });
    cpu.begin();
    const started = Date.now();
    producer.send({ type: 'go' });
    const samples: { t: number; lag: number; committed: number }[] = [];
    const lagTopics = [topics.uplink.events];
    let done: { sent: number; acked: number; publishMs: number } | undefined;
    const finished = producer
      .waitFor<{ type: string; sent: number; acked: number; publishMs: number }>(
        'done',
        durationS * 1000 + 120_000,
      )
      .then((d) => (done = d));
    while (!done) {
      await sleep(2_000);
      const { lag, committed } = await groupLag(ctx.kafka, group, lagTopics);
      samples.push({ t: (Date.now() - started) / 1000, lag, committed });
    }
    await finished;
    const shares = cpu.end();
    const loadEnd = samples[samples.length - 1];
    // Drain: until the lag is zero (at most 120 s).
    let drainS = 0;
    const drainStart = Date.now();
    let last = loadEnd.lag;
    while (last > 0 && Date.now() - drainStart < 120_000) {
      await sleep(1_000);
      last = (await groupLag(ctx.kafka, group, lagTopics)).lag;
    }
    drainS = (Date.now() - drainStart) / 1000;
    const secondHalf = samples.filter((s) => s.t >= durationS / 2 && s.t <= durationS);
    const lagSlope = slope(secondHalf.map((s) => ({ x: s.t, y: s.lag })));
    const first = samples.find((s) => s.t >= 4) ?? samples[0];
    const ingestRate = (loadEnd.committed - first.committed) / Math.max(1, loadEnd.t - first.t);
    const producedRate = (done.acked / done.publishMs) * 1000;
    const maxLag = Math.max(...samples.map((s) => s.lag));
    // Kept up: what was left when the load stopped is at most one second of load and drains
    // within 5 s. (The lag samples are a sawtooth of batch commits, up to ~1 s of load: their
    // slope over 30 s is reported but too noisy to decide on.)
    const keptUp = loadEnd.lag <= rate && last === 0 && drainS <= 5;
    ctx.log(
      `  telemetry: produced ${fmt(producedRate)}/s, stored ${fmt(ingestRate)}/s, lag slope ` +
        `${fmt(lagSlope)}/s, lag at end ${fmt(loadEnd.lag)}, max ${fmt(maxLag)}, drain ${drainS} s`,
    );
    return {
      id: '6',
      figure: 'Telemetry ingestion of progress events',
      target: '10,000 events/s, no growing consumer lag (left ≤ 1 s of load, drained ≤ 5 s)',
      measured:
        `stored ${fmt(ingestRate)}/s of ${fmt(producedRate)}/s produced; lag slope ` +
        `${fmt(lagSlope)} records/s (2nd half), lag at end of load ${fmt(loadEnd.lag)}, max ${fmt(maxLag)}`,
      met: !ctx.quick && keptUp && producedRate >= rate * 0.98 && ingestRate >= producedRate * 0.98,
      notes:
        `${durationS} s, ${fmt(docks)} docks, ${partitions} partitions, ${concurrency} stored at ` +
        `once (TELEMETRY_PARTITIONS_CONCURRENTLY), pool ${poolSize}; ` +
        `left lag drained in ${drainS.toFixed(0)} s; CPU % of one core: ${cpuText(shares)}`,
      data: {
        rate,
        producedRate,
        ingestRate,
        lagSlope,
        lagAtEnd: loadEnd.lag,
        maxLag,
        drainS,
        samples,
        cpu: shares,
      },
    };
  } finally {
    await telemetry.stop();
    await dropSchema(schema).catch(() => undefined);
  }
}
