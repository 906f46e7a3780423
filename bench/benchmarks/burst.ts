import { startEmbeddedSystem } from '../../apps/standalone/test/embedded-system';
import { BenchContext, env, fmt, ResultRow } from '../lib/context';
import { BenchChild } from '../lib/proc';
import { LatencySummary, summarise } from '../lib/stats';
import { startBenchGateway } from './reply';
import { gatewayTuning, tuningText } from './uplink';

/**
 * The burst row (issue #18): 20 docks × 15 flighttask_progress with need_reply, 5 ms apart,
 * answered by the gateway and, on the same broker in the same run, by a trivial responder
 * (bench/load/trivial-responder.ts). Distributed: the bench's Mosquitto and a gateway process
 * with default settings. Embedded: the embedded mode (apps/standalone from source, its aedes
 * broker, MQTT 3.1.1) in a process of its own.
 */
export interface BurstSide {
  readonly latency: LatencySummary;
  readonly published: number;
  readonly missing: number;
}

export interface BurstPair {
  readonly gateway: BurstSide;
  readonly responder: BurstSide;
  readonly ratio: number;
}

const RESPONDER_ROOT = 'bench/product';

export async function runBurst(ctx: BenchContext): Promise<ResultRow> {
  const bursts = ctx.quick ? 3 : env('BENCH_BURST_COUNT', 10);
  const distributed = await distributedPair(ctx, bursts);
  const embedded = await embeddedPair(ctx, bursts);
  const side = (name: string, pair: BurstPair) =>
    `${name}: gateway p99 ${fmt(pair.gateway.latency.p99, 1)} ms (p50 ${fmt(pair.gateway.latency.p50, 1)}) ` +
    `vs responder p99 ${fmt(pair.responder.latency.p99, 1)} ms (p50 ${fmt(pair.responder.latency.p50, 1)}) = ` +
    `${fmt(pair.ratio, 2)} ×`;
  const complete = (pair: BurstPair) => pair.gateway.missing === 0 && pair.responder.missing === 0;
  return {
    id: '7',
    figure: 'Burst: `events_reply` p99, gateway vs a trivial responder (same broker, same run)',
    target: '≤ 1.5 × the responder, distributed and embedded',
    measured: `${side('distributed', distributed)}; ${side('embedded', embedded)}`,
    met:
      !ctx.quick &&
      distributed.ratio <= 1.5 &&
      embedded.ratio <= 1.5 &&
      complete(distributed) &&
      complete(embedded),
    notes:
      `20 docks × 15 flighttask_progress (need_reply) 5 ms apart, ${bursts} bursts 1 s apart per side; ` +
      `missing replies: distributed gateway ${distributed.gateway.missing}, responder ` +
      `${distributed.responder.missing}; embedded gateway ${embedded.gateway.missing}, responder ` +
      `${embedded.responder.missing}; ${tuningText(gatewayTuning())}; embedded: its aedes broker, ` +
      'MQTT 3.1.1, one subscriber connection acknowledging on receipt',
    data: { distributed, embedded, bursts },
  };
}

async function distributedPair(ctx: BenchContext, bursts: number): Promise<BurstPair> {
  const responder = await withResponder(ctx, ctx.broker.url, 5, () =>
    burst(ctx, 'burst-resp', ctx.broker.url, 5, RESPONDER_ROOT, bursts),
  );
  const { child } = await startBenchGateway(ctx, 'burst');
  try {
    const gateway = await burst(ctx, 'burst-gw', ctx.broker.url, 5, 'thing/product', bursts);
    return pair(ctx, 'distributed', gateway, responder);
  } finally {
    await child.stop();
  }
}

async function embeddedPair(ctx: BenchContext, bursts: number): Promise<BurstPair> {
  // The trivial responder uses topics of its own, which the embedded broker's access rules give
  // to no credential; anonymous access (the development switch) lets both sides on, as the bench's
  // Mosquitto does for the distributed pair. The broker's authorization hooks still run.
  const system = await startEmbeddedSystem({
    fromSource: true,
    env: { LOG_LEVEL: 'warn', NODE_ENV: 'development', MQTT_ALLOW_ANONYMOUS: 'true' },
  });
  try {
    const responder = await withResponder(ctx, system.mqttUrl, 4, () =>
      burst(ctx, 'burst-emb-resp', system.mqttUrl, 4, RESPONDER_ROOT, bursts),
    );
    const gateway = await burst(ctx, 'burst-emb-gw', system.mqttUrl, 4, 'thing/product', bursts);
    return pair(ctx, 'embedded', gateway, responder);
  } finally {
    await system.stop();
  }
}

function pair(ctx: BenchContext, name: string, gateway: BurstSide, responder: BurstSide) {
  const ratio = gateway.latency.p99 / responder.latency.p99;
  ctx.log(
    `  burst ${name}: gateway ${JSON.stringify(gateway.latency)} missing ${gateway.missing}; ` +
      `responder ${JSON.stringify(responder.latency)} missing ${responder.missing}; ratio ${ratio.toFixed(2)}`,
  );
  return { gateway, responder, ratio };
}

async function withResponder<T>(
  ctx: BenchContext,
  mqttUrl: string,
  protocolVersion: 4 | 5,
  run: () => Promise<T>,
): Promise<T> {
  const responder = new BenchChild(
    `trivial-responder-${protocolVersion}`,
    'bench/load/trivial-responder.ts',
    {
      logDir: ctx.logDir,
      env: { BENCH_ARGS: JSON.stringify({ mqttUrl, protocolVersion, root: RESPONDER_ROOT }) },
    },
  );
  try {
    await responder.waitFor('ready', 30_000);
    return await run();
  } finally {
    await responder.stop();
  }
}

async function burst(
  ctx: BenchContext,
  label: string,
  mqttUrl: string,
  protocolVersion: 4 | 5,
  root: string,
  bursts: number,
): Promise<BurstSide> {
  const generator = new BenchChild(label, 'bench/load/burst.ts', {
    logDir: ctx.logDir,
    env: {
      BENCH_ARGS: JSON.stringify({
        mqttUrl,
        protocolVersion,
        root,
        docks: 20,
        perDock: 15,
        gapMs: 5,
        bursts,
        burstIntervalMs: 1_000,
        snPrefix: `BST${label.length}`,
        tidPrefix: `${ctx.runId}-${label}-`,
      }),
    },
  });
  await generator.waitFor('ready', 60_000);
  generator.send({ type: 'go' });
  const done = await generator.waitFor<{
    type: string;
    published: number;
    missing: number;
    latencies: number[];
  }>('done', bursts * 2_000 + 60_000);
  await generator.waitExit();
  return { latency: summarise(done.latencies), published: done.published, missing: done.missing };
}
