import { BenchContext, env, fmt } from '../lib/context';
import { runUplink, UplinkRun, UplinkSettings } from './uplink';

/**
 * Sweeps subscriber connections and batching at the saturation rate (the gateway at full
 * speed on a backlog): throughput, records per Kafka request, write time, CPU per message.
 * Returns a markdown section for the results file.
 */
export async function runSweep(ctx: BenchContext, base: UplinkSettings): Promise<string> {
  const rate = env('BENCH_SATURATION_RATE', 30_000);
  const duration = ctx.quick ? 8 : env('BENCH_SWEEP_DURATION_S', 15);
  const connections = (process.env.BENCH_SWEEP_CONNECTIONS ?? '32,64,128,256,512')
    .split(',')
    .map(Number);
  const windows = (process.env.BENCH_SWEEP_WINDOWS ?? '64,1024').split(',').map(Number);
  const lingers = (process.env.BENCH_SWEEP_LINGER ?? '1,2,5').split(',').map(Number);
  const runs: UplinkRun[] = [];
  for (const c of connections) {
    runs.push(
      await runUplink(
        ctx,
        'gateway',
        { ...base, gateway: { ...base.gateway, connections: c } },
        rate,
        duration,
        `sweep-c${c}`,
      ),
    );
  }
  for (const window of windows) {
    if (window === base.gateway.receiveMaximum) continue;
    runs.push(
      await runUplink(
        ctx,
        'gateway',
        { ...base, gateway: { ...base.gateway, receiveMaximum: window } },
        rate,
        duration,
        `sweep-w${window}`,
      ),
    );
  }
  for (const linger of lingers) {
    if (linger === base.gateway.lingerMs) continue;
    runs.push(
      await runUplink(
        ctx,
        'gateway',
        { ...base, gateway: { ...base.gateway, lingerMs: linger } },
        rate,
        duration,
        `sweep-l${linger}`,
      ),
    );
  }
  for (const replicas of (process.env.BENCH_SWEEP_REPLICAS ?? '2').split(',').map(Number)) {
    if (replicas <= 1) continue;
    runs.push(
      await runUplink(ctx, 'gateway', { ...base, replicas }, rate, duration, `sweep-r${replicas}`),
    );
  }
  for (const partitions of (process.env.BENCH_SWEEP_PARTITIONS ?? '1,12').split(',').map(Number)) {
    if (partitions === base.partitions) continue;
    runs.push(
      await runUplink(
        ctx,
        'gateway',
        { ...base, partitions },
        rate,
        duration,
        `sweep-p${partitions}`,
      ),
    );
  }
  const lines = [
    '## Sweep: gateway at saturation',
    '',
    `Offered ${fmt(rate)} msg/s for ${duration} s per point (a backlog the gateway drains at full`,
    'speed); throughput = delivered / (last Kafka record − first publish).',
    '',
    '| replicas | connections | window | linger ms | partitions | msg/s | records / Kafka request | write ms | gateway CPU ms / 1,000 msg | Kafka CPU ms / 1,000 msg | gateway RSS MiB | load avg |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map((r) => {
      const b = (r.batch ?? {}) as { meanRecords?: number; meanWriteMs?: number };
      return (
        `| ${r.settings.replicas} | ${r.settings.gateway.connections} | ${r.settings.gateway.receiveMaximum} | ` +
        `${r.settings.gateway.lingerMs} | ${r.settings.partitions} | ` +
        `${fmt(r.throughput)} | ${b.meanRecords ?? 'n/a'} | ${b.meanWriteMs ?? 'n/a'} | ` +
        `${r.cpuMsPer1000.gateway ?? 'n/a'} | ${r.cpuMsPer1000.kafka ?? 'n/a'} | ${r.rssMiB.gateway ?? 'n/a'} | ${r.loadAvg} |`
      );
    }),
  ];
  return lines.join('\n');
}
