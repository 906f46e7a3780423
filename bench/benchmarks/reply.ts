import { randomDockLicence } from '../../test/support/dock-licence';
import { BenchContext, env, fmt, kafkaPid, ResultRow } from '../lib/context';
import { benchTopics, createTopics } from '../lib/kafka';
import { BenchChild, CpuMeter, rssMiB, RssSampler } from '../lib/proc';
import { summarise } from '../lib/stats';
import { cpuText, gatewayTuning, gatewayTuningEnv } from './uplink';

/** Starts a bench gateway (real GatewayRuntime) on per-run topics; the caller stops it. */
export async function startBenchGateway(
  ctx: BenchContext,
  label: string,
  extraEnv: Record<string, string> = {},
): Promise<{ child: BenchChild; topics: ReturnType<typeof benchTopics> }> {
  const tag = `${ctx.runId}-${label}`;
  const topics = benchTopics(`bench.${tag}`);
  const partitions = env('BENCH_UPLINK_PARTITIONS', 6);
  await createTopics(ctx.kafka, [
    { topic: topics.uplink.events, numPartitions: partitions },
    { topic: topics.uplink.osd, numPartitions: partitions },
    { topic: topics.commands, numPartitions: 6 },
    { topic: topics.commandReplies, numPartitions: 3 },
    { topic: topics.taskEvents, numPartitions: 3 },
  ]);
  const child = new BenchChild(`gateway-${label}`, 'bench/sut/gateway.ts', {
    logDir: ctx.logDir,
    env: {
      BENCH_ARGS: JSON.stringify({ topics }),
      MQTT_URL: ctx.broker.url,
      GATEWAY_INSTANCE_ID: `bgw-${tag}`.slice(0, 48),
      GATEWAY_SHARE_GROUP: `bench-${tag}`.slice(0, 64),
      ...gatewayTuningEnv(gatewayTuning()),
      GATEWAY_REDIS_PREFIX: `bench:${tag}`.slice(0, 64),
      GATEWAY_COMMANDS_GROUP_ID: `bench-${tag}-commands`,
      GATEWAY_REQUEST_REPLIES_GROUP_ID: `bench-${tag}-request-replies`,
      KAFKA_CONSUMER_START: 'earliest',
      MQTT_SESSION_EXPIRY_S: '600',
      // Simulated docks refuse a config reply without a licence: one of this run only.
      ...randomDockLicence(),
      ...extraEnv,
    },
  });
  await child.waitFor('ready', 90_000);
  return { child, topics };
}

/** Target 3: events_reply latency at 1,000 docks × 1 event/s. */
export async function runReplyLatency(ctx: BenchContext): Promise<ResultRow> {
  const docks = env('BENCH_REPLY_DOCKS', 1_000);
  const durationS = ctx.quick ? 15 : env('BENCH_REPLY_DURATION_S', 60);
  const { child } = await startBenchGateway(ctx, 'reply');
  try {
    const brokerBefore = rssMiB(ctx.broker.pid);
    const gatewayBefore = rssMiB(child.pid);
    const generator = new BenchChild('reply-generator', 'bench/load/reply-latency.ts', {
      logDir: ctx.logDir,
      env: {
        BENCH_ARGS: JSON.stringify({
          mqttUrl: ctx.broker.url,
          docks,
          intervalMs: 1_000,
          durationMs: durationS * 1000,
          snPrefix: 'RPL',
          tidPrefix: `${ctx.runId}-reply-`,
        }),
      },
    });
    await generator.waitFor('ready', 120_000);
    const brokerPerThousand = ((rssMiB(ctx.broker.pid) - brokerBefore) * 1000) / docks;
    const pids = {
      gateway: child.pid,
      generator: generator.pid,
      mosquitto: ctx.broker.pid,
      kafka: kafkaPid(),
    };
    const cpu = new CpuMeter(pids);
    const rss = new RssSampler(pids);
    cpu.begin();
    rss.start();
    generator.send({ type: 'go' });
    const done = await generator.waitFor<{
      type: string;
      published: number;
      replied: number;
      missing: number;
      unexpected: number;
      latencies: number[];
    }>('done', durationS * 1000 + 60_000);
    const shares = cpu.end();
    const rssMax = rss.stop();
    const s = summarise(done.latencies);
    ctx.log(`  reply: ${JSON.stringify(s)} missing ${done.missing}`);
    return {
      id: '3',
      figure: '`events_reply` latency (dock publishes → dock receives the reply)',
      target: 'p99 < 25 ms at 1,000 docks × 1 event/s',
      measured: `p99 ${fmt(s.p99, 1)} ms (p50 ${fmt(s.p50, 1)}, p95 ${fmt(s.p95, 1)}, max ${fmt(s.max, 0)}); ${fmt(s.count)} replies`,
      met: !ctx.quick && s.p99 < 25 && done.missing === 0 && docks >= 1_000,
      notes:
        `${fmt(docks)} docks (one connection each), ${durationS} s, missing ${done.missing}; ` +
        `the reply is published beside the Kafka write, the PUBACK after it; CPU % of one core: ` +
        `${cpuText(shares)}; RSS MiB ${JSON.stringify(rssMax)} (gateway idle ${Math.round(gatewayBefore)}); ` +
        `Mosquitto +${fmt(brokerPerThousand, 1)} MiB per 1,000 connected docks`,
      data: {
        latency: s,
        docks,
        durationS,
        missing: done.missing,
        cpu: shares,
        rssMiB: rssMax,
        gatewayIdleRssMiB: gatewayBefore,
        brokerMiBPerThousandDocks: brokerPerThousand,
      },
    };
  } finally {
    await child.stop();
  }
}
