import os from 'node:os';
import type { Kafka } from 'kafkajs';
import { gatewayConfigSchema } from '../../apps/gateway/src/gateway.config';
import { BenchContext, env, fmt, kafkaPid, ResultRow } from '../lib/context';
import { BenchTopics, benchTopics, countTids, createTopics } from '../lib/kafka';
import { BenchChild, CpuMeter, RssSampler, sleep } from '../lib/proc';

/**
 * The gateway's tuning in a run: its own defaults (gatewayConfigSchema), each replaced only
 * when the matching BENCH_* variable is set, so `npm run bench` measures what an operator
 * gets without tuning.
 */
export interface GatewayTuning {
  readonly connections: number;
  readonly receiveMaximum: number;
  readonly lingerMs: number;
  readonly maxBatchRecords: number;
}

export function gatewayTuning(): GatewayTuning {
  const pass: Record<string, string> = {
    BENCH_GATEWAY_CONNECTIONS: 'GATEWAY_MQTT_CONNECTIONS',
    BENCH_GATEWAY_RECEIVE_MAXIMUM: 'GATEWAY_MQTT_RECEIVE_MAXIMUM',
    BENCH_GATEWAY_LINGER_MS: 'KAFKA_LINGER_MS',
    BENCH_GATEWAY_MAX_BATCH_RECORDS: 'KAFKA_MAX_BATCH_RECORDS',
  };
  const given: Record<string, string> = {};
  for (const [bench, variable] of Object.entries(pass)) {
    const value = process.env[bench];
    if (value) given[variable] = value;
  }
  const config = gatewayConfigSchema.parse(given);
  return {
    connections: config.GATEWAY_MQTT_CONNECTIONS,
    receiveMaximum: config.GATEWAY_MQTT_RECEIVE_MAXIMUM,
    lingerMs: config.KAFKA_LINGER_MS,
    maxBatchRecords: config.KAFKA_MAX_BATCH_RECORDS,
  };
}

/** The gateway's environment for its tuning. */
export function gatewayTuningEnv(tuning: GatewayTuning): Record<string, string> {
  return {
    GATEWAY_MQTT_CONNECTIONS: String(tuning.connections),
    GATEWAY_MQTT_RECEIVE_MAXIMUM: String(tuning.receiveMaximum),
    KAFKA_LINGER_MS: String(tuning.lingerMs),
    KAFKA_MAX_BATCH_RECORDS: String(tuning.maxBatchRecords),
  };
}

export function tuningText(tuning: GatewayTuning): string {
  return (
    `gateway ${tuning.connections} MQTT conns × window ${tuning.receiveMaximum}, ` +
    `linger ${tuning.lingerMs} ms, batch ≤ ${tuning.maxBatchRecords}`
  );
}

export interface UplinkSettings {
  readonly gateway: GatewayTuning;
  /** The bare forwarder's (MQTT.js, acknowledgement on receipt). */
  readonly connections: number;
  readonly lingerMs: number;
  readonly maxBatchRecords: number;
  readonly partitions: number;
  readonly docks: number;
  readonly publisherConnections: number;
  /** Gateway replicas (processes) in the shared-subscription group. */
  readonly replicas: number;
}

export interface UplinkRun {
  readonly label: string;
  readonly sut: 'gateway' | 'bare';
  readonly settings: UplinkSettings;
  readonly offeredRate: number;
  readonly durationS: number;
  /** Published and acknowledged by the broker. */
  readonly published: number;
  readonly generatorRate: number;
  readonly generatorSkipped: number;
  /** Distinct run tids found in Kafka. */
  readonly delivered: number;
  readonly duplicates: number;
  readonly lost: number;
  /** delivered / (last record time - first publish), msg/s. */
  readonly throughput: number;
  /** Records written within the publishing window / window. */
  readonly inWindowRate: number;
  /** Seconds after the end of publishing until the last record. */
  readonly drainS: number;
  readonly cpu: Record<string, number>;
  /** CPU ms spent per 1,000 delivered messages over the whole run (publish + drain). */
  readonly cpuMsPer1000: Record<string, number>;
  readonly rssMiB: Record<string, number>;
  readonly batch?: unknown;
  /** 1-minute load average when the run ended (other work on the machine shows here). */
  readonly loadAvg: number;
}

export function uplinkSettingsFromEnv(quick: boolean): UplinkSettings {
  return {
    gateway: gatewayTuning(),
    connections: env('BENCH_BARE_CONNECTIONS', 128),
    lingerMs: env('BENCH_KAFKA_LINGER_MS', 2),
    maxBatchRecords: env('BENCH_KAFKA_MAX_BATCH_RECORDS', 2000),
    partitions: env('BENCH_UPLINK_PARTITIONS', 6),
    docks: env('BENCH_UPLINK_DOCKS', quick ? 2_000 : 10_000),
    publisherConnections: env('BENCH_PUBLISHER_CONNECTIONS', 100),
    replicas: 1,
  };
}

/** One run of the uplink harness against the gateway or the bare forwarder. */
export async function runUplink(
  ctx: BenchContext,
  sut: 'gateway' | 'bare',
  settings: UplinkSettings,
  offeredRate: number,
  durationS: number,
  label: string,
): Promise<UplinkRun> {
  const tag = `${ctx.runId}-${label}`.replace(/[^A-Za-z0-9_.-]/g, '-');
  const topics = benchTopics(`bench.${tag}`);
  await createTopics(ctx.kafka, [
    { topic: topics.uplink.events, numPartitions: settings.partitions },
    { topic: topics.uplink.osd, numPartitions: settings.partitions },
  ]);
  const shareGroup = `bench-${tag}`;
  const children: BenchChild[] = [];
  if (sut === 'gateway') {
    for (let r = 0; r < Math.max(1, settings.replicas); r++) {
      children.push(
        new BenchChild(`gateway-${label}${r === 0 ? '' : `-${r}`}`, 'bench/sut/gateway.ts', {
          logDir: ctx.logDir,
          env: gatewayEnv(ctx, `${tag}-${r}`, settings, topics, shareGroup),
        }),
      );
    }
  } else {
    children.push(
      new BenchChild(`bare-${label}`, 'bench/bare-forwarder.ts', {
        logDir: ctx.logDir,
        env: {
          BENCH_ARGS: JSON.stringify({
            topics,
            mqttUrl: ctx.broker.url,
            connections: settings.connections,
            shareGroup,
            lingerMs: settings.lingerMs,
            maxBatchRecords: settings.maxBatchRecords,
          }),
        },
      }),
    );
  }
  const child = children[0];
  try {
    await Promise.all(children.map((c) => c.waitFor('ready', 90_000)));
    const tidPrefix = `${tag}-`;
    const generator = new BenchChild(
      `uplink-generator-${label}`,
      'bench/load/uplink-generator.ts',
      {
        logDir: ctx.logDir,
        env: {
          BENCH_ARGS: JSON.stringify({
            mqttUrl: ctx.broker.url,
            connections: settings.publisherConnections,
            docks: settings.docks,
            rate: offeredRate,
            durationMs: durationS * 1000,
            tidPrefix,
            snPrefix: 'BENCH',
            maxOutstanding: 2_000,
          }),
        },
      },
    );
    await generator.waitFor('ready', 60_000);
    const pids: Record<string, number> = {
      [sut]: child.pid,
      ...Object.fromEntries(children.slice(1).map((c, i) => [`${sut}${i + 2}`, c.pid])),
      generator: generator.pid,
      mosquitto: ctx.broker.pid,
      kafka: kafkaPid(),
    };
    const cpu = new CpuMeter(pids);
    const cpuWhole = new CpuMeter(pids);
    const rss = new RssSampler(pids);
    rss.start();
    cpu.begin();
    cpuWhole.begin();
    generator.send({ type: 'go' });
    ctx.log(`  ${label}: ${sut}, ${fmt(offeredRate)} msg/s offered for ${durationS} s`);
    const done = await generator.waitFor<GeneratorDone>('done', durationS * 1000 + 120_000);
    const cpuShares = cpu.end();
    await generator.waitExit();
    await waitForDrain(ctx.kafka, [topics.uplink.events, topics.uplink.osd], done.acked, ctx);
    // CPU time of the whole run (publishing and drain) per 1,000 messages, per process.
    const cpuTotal = cpuWhole.end();
    const rssMax = rss.stop();
    let batch: unknown;
    if (sut === 'gateway') {
      child.send({ type: 'metrics' });
      batch = await child
        .waitFor<{ type: string; batch: unknown; write: unknown }>('metrics', 5_000)
        .then((m) => histogramSummary(m.batch, m.write))
        .catch(() => undefined);
      ctx.log(`  ${label}: kafka batches ${JSON.stringify(batch)}`);
    }
    const count = await countTids(ctx.kafka, [topics.uplink.events, topics.uplink.osd], tidPrefix);
    const windowEnd = done.startedAt + durationS * 1000;
    let inWindow = 0;
    for (const [second, n] of count.perSecond) if ((second + 1) * 1000 <= windowEnd) inWindow += n;
    const run: UplinkRun = {
      label,
      sut,
      settings,
      offeredRate,
      durationS,
      published: done.acked,
      generatorRate: Math.round((done.sent / done.publishMs) * 1000),
      generatorSkipped: done.skipped,
      delivered: count.distinct,
      duplicates: count.duplicates,
      lost: done.acked - count.distinct,
      throughput: Math.round((count.distinct / (count.lastTs - done.startedAt)) * 1000),
      inWindowRate: Math.round(inWindow / Math.floor(durationS)),
      drainS: Math.max(0, (count.lastTs - windowEnd) / 1000),
      cpu: cpuShares,
      cpuMsPer1000: perThousand(cpuTotal, cpuWhole.elapsedMs, count.distinct),
      rssMiB: rssMax,
      batch,
      loadAvg: Math.round(os.loadavg()[0] * 10) / 10,
    };
    ctx.log(
      `  ${label}: delivered ${fmt(run.delivered)}/${fmt(run.published)}, ` +
        `${fmt(run.throughput)} msg/s, drain ${run.drainS.toFixed(1)} s, cpu ${JSON.stringify(run.cpu)}` +
        ` cpu-ms/1000 msg ${JSON.stringify(run.cpuMsPer1000)} rss ${JSON.stringify(run.rssMiB)}`,
    );
    return run;
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

interface GeneratorDone {
  type: 'done';
  sent: number;
  acked: number;
  failed: number;
  skipped: number;
  startedAt: number;
  publishMs: number;
}

function gatewayEnv(
  ctx: BenchContext,
  tag: string,
  settings: UplinkSettings,
  topics: BenchTopics,
  shareGroup: string,
): Record<string, string> {
  return {
    BENCH_ARGS: JSON.stringify({ topics }),
    MQTT_URL: ctx.broker.url,
    GATEWAY_INSTANCE_ID: `bgw-${tag}`.slice(0, 48),
    GATEWAY_SHARE_GROUP: shareGroup.slice(0, 64),
    ...gatewayTuningEnv(settings.gateway),
    GATEWAY_REDIS_PREFIX: `bench:${tag}`.slice(0, 64),
    GATEWAY_COMMANDS_GROUP_ID: `bench-${tag}-commands`,
    GATEWAY_REQUEST_REPLIES_GROUP_ID: `bench-${tag}-request-replies`,
    MQTT_SESSION_EXPIRY_S: '600',
  };
}

/** Waits until the topics hold everything acknowledged, or stop growing for 10 s. */
async function waitForDrain(
  kafka: Kafka,
  topics: string[],
  expected: number,
  ctx: BenchContext,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let last = -1;
    let still = 0;
    const deadline = Date.now() + 400_000;
    while (Date.now() < deadline) {
      let total = 0;
      for (const topic of topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high);
      }
      if (total >= expected) return;
      if (total === last) {
        still++;
        if (still >= 10) {
          ctx.log(`  drain stalled at ${fmt(total)} of ${fmt(expected)}`);
          return;
        }
      } else {
        still = 0;
      }
      last = total;
      await sleep(1_000);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Target 1 and 2 rows from the runs. */
export function uplinkRows(
  target1: UplinkRun,
  gatewaySat: UplinkRun,
  bareSat: UplinkRun,
  quick: boolean,
): ResultRow[] {
  const t1Met =
    !quick &&
    target1.lost === 0 &&
    target1.inWindowRate >= 20_000 &&
    target1.throughput >= 20_000 &&
    target1.settings.docks >= 10_000 &&
    target1.durationS >= 60;
  const ratio = gatewaySat.throughput / bareSat.throughput;
  // CPU cost of the gateway process per 1,000 messages and the rate one core would carry.
  const gatewayMs = target1.cpuMsPer1000.gateway ?? Number.NaN;
  const perCore = Math.round(1_000_000 / gatewayMs);
  return [
    {
      id: '1',
      figure: 'Uplink, ack after Kafka: one gateway replica, mixed events + osd',
      target: '≥ 20,000 msg/s for 60 s from 10,000 docks, zero loss',
      measured:
        `${fmt(target1.throughput)} msg/s (in window ${fmt(target1.inWindowRate)}/s), ` +
        `${fmt(target1.settings.docks)} docks, ${target1.durationS} s, lost ${fmt(target1.lost)} ` +
        `of ${fmt(target1.published)}, dup ${fmt(target1.duplicates)}`,
      met: t1Met,
      notes:
        `gateway CPU ${fmt(gatewayMs)} ms per 1,000 messages (whole run), i.e. ` +
        `${fmt(perCore)} msg/s per core projected; ` +
        `offered ${fmt(target1.offeredRate)}/s (generator ${fmt(target1.generatorRate)}/s); ` +
        `${tuningText(target1.settings.gateway)}, ${target1.settings.partitions} partitions; ` +
        `backlog drained ${target1.drainS.toFixed(1)} s after publishing ended; ` +
        `CPU % of one core: ${cpuText(target1.cpu)}`,
      data: { ...target1 },
    },
    {
      id: '2',
      figure: 'Gateway throughput vs bare forwarder (same harness, same run)',
      target: '≥ 75 %, gateway with default settings',
      measured: `${fmt(ratio * 100)} % (${fmt(gatewaySat.throughput)} vs ${fmt(bareSat.throughput)} msg/s)`,
      met: ratio >= 0.75,
      notes:
        `both at ${fmt(gatewaySat.offeredRate)}/s offered for ${gatewaySat.durationS} s; ` +
        `${tuningText(gatewaySat.settings.gateway)}; bare ${bareSat.settings.connections} MQTT.js ` +
        `conns acking on receipt; gateway lost ${fmt(gatewaySat.lost)}, dup ` +
        `${fmt(gatewaySat.duplicates)}, bare lost ${fmt(bareSat.lost)}; CPU gateway run: ` +
        `${cpuText(gatewaySat.cpu)}; bare run: ${cpuText(bareSat.cpu)}`,
      data: { gateway: gatewaySat, bare: bareSat },
    },
  ];
}

interface PromMetric {
  values?: { metricName?: string; value: number }[];
}

/** Mean records per Kafka request and mean write time, from the gateway's histograms. */
function histogramSummary(batch: unknown, write: unknown): Record<string, number> {
  const pick = (metric: unknown, suffix: string): number =>
    ((metric as PromMetric | null)?.values ?? [])
      .filter((v) => v.metricName?.endsWith(suffix))
      .reduce((sum, v) => sum + v.value, 0);
  const requests = pick(batch, '_count');
  return {
    requests,
    meanRecords: Math.round(pick(batch, '_sum') / Math.max(1, requests)),
    meanWriteMs:
      Math.round((pick(write, '_sum') / Math.max(1, pick(write, '_count'))) * 10000) / 10,
  };
}

function perThousand(
  shares: Record<string, number>,
  elapsedMs: number,
  messages: number,
): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, share] of Object.entries(shares)) {
    result[name] = Math.round(((share / 100) * elapsedMs * 1000) / Math.max(1, messages));
  }
  return result;
}

export function cpuText(cpu: Record<string, number>): string {
  return Object.entries(cpu)
    .map(([name, share]) => `${name} ${share}`)
    .join(', ');
}
