import { BenchContext, env, fmt } from '../lib/context';
import { runUplink, UplinkSettings } from './uplink';

/**
 * Gateway memory against fleet size: the same total rate from 1,000 and 10,000 docks (the
 * gateway keeps no per-dock state; pending calls live in Redis), and against throughput.
 */
export async function runMemory(ctx: BenchContext, base: UplinkSettings): Promise<string> {
  const rate = env('BENCH_MEMORY_RATE', 2_000);
  const duration = ctx.quick ? 8 : 15;
  const rows: string[] = [];
  for (const docks of [1_000, 10_000]) {
    const run = await runUplink(
      ctx,
      'gateway',
      { ...base, docks },
      rate,
      duration,
      `mem-d${docks}`,
    );
    rows.push(
      `| ${fmt(docks)} | ${fmt(rate)} | ${run.settings.gateway.connections} | ${run.rssMiB.gateway ?? 'n/a'} | ` +
        `${fmt(((run.rssMiB.gateway ?? 0) * 1000) / docks, 1)} | ${run.lost} |`,
    );
  }
  return [
    '## Gateway memory against fleet size',
    '',
    `Multiplexed docks at ${fmt(rate)} msg/s in total, ${duration} s each; peak RSS of the gateway process.`,
    '',
    '| docks | msg/s | MQTT connections | gateway RSS MiB | RSS ÷ (docks / 1,000) | lost |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
