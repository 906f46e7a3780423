import { BenchContext, env, fmt, kafkaPid, ResultRow } from '../lib/context';
import { BenchChild, CpuMeter } from '../lib/proc';
import { summarise } from '../lib/stats';
import { commandBreakdown } from './command-breakdown';
import { dropSchema, startMission } from './mission-sut';
import { startBenchGateway } from './reply';
import { cpuText } from './uplink';

/** Target 4: REST → mission → gateway → dock → reply → task state readable, at 1,000 docks. */
export async function runCommandRoundTrip(ctx: BenchContext): Promise<ResultRow> {
  const docks = env('BENCH_COMMAND_DOCKS', 1_000);
  const tasks = ctx.quick ? 200 : env('BENCH_COMMAND_TASKS', 1_000);
  const rate = env('BENCH_COMMAND_RATE', 20);
  const { child: gateway, topics } = await startBenchGateway(ctx, 'command', {
    GATEWAY_MQTT_CONNECTIONS: String(env('BENCH_COMMAND_GATEWAY_CONNECTIONS', 16)),
  });
  const mission = await startMission(ctx, 'command', topics, 1);
  try {
    const client = new BenchChild('command-client', 'bench/load/command-client.ts', {
      logDir: ctx.logDir,
      env: {
        BENCH_ARGS: JSON.stringify({
          mqttUrl: ctx.broker.url,
          missionUrl: mission.urls[0],
          docks,
          tasks,
          rate,
          pollMs: env('BENCH_COMMAND_POLL_MS', 5),
          snPrefix: 'CMD',
        }),
      },
    });
    await client.waitFor('ready', 180_000);
    const cpu = new CpuMeter({
      gateway: gateway.pid,
      mission: mission.children[0].pid,
      client: client.pid,
      mosquitto: ctx.broker.pid,
      kafka: kafkaPid(),
    });
    cpu.begin();
    client.send({ type: 'go' });
    const done = await client.waitFor<{
      type: string;
      latencies: number[];
      failures: number;
      failureSamples: string[];
      states: Record<string, number>;
    }>('done', (tasks / rate) * 1000 + 120_000);
    const shares = cpu.end();
    const s = summarise(done.latencies);
    const breakdown = await commandBreakdown(ctx.kafka, topics, 'flighttask_prepare');
    ctx.log(`  command breakdown: ${JSON.stringify(breakdown)}`);
    ctx.log(
      `  command: ${JSON.stringify(s)} failures ${done.failures} ${done.failureSamples[0] ?? ''}`,
    );
    return {
      id: '4',
      figure:
        'Command round trip (POST /tasks → flighttask_prepare on MQTT → services_reply → task state readable)',
      target: 'p99 < 100 ms at 1,000 docks',
      measured: `p99 ${fmt(s.p99, 1)} ms (p50 ${fmt(s.p50, 1)}, p95 ${fmt(s.p95, 1)}, max ${fmt(s.max, 0)}); ${fmt(s.count)} tasks, ${done.failures} failed`,
      met: !ctx.quick && s.p99 < 100 && done.failures === 0 && docks >= 1_000,
      notes:
        `${fmt(docks)} simulated docks online (osd every 2 s; they answer prepare and execute and fly the task at 300× speed), ${fmt(rate)} tasks/s, state read ` +
        `every ${env('BENCH_COMMAND_POLL_MS', 5)} ms; states seen ${JSON.stringify(done.states)}; p99 by leg (ms): ` +
        Object.entries(breakdown)
          .map(([leg, l]) => `${leg} ${fmt(l.p99, 1)}`)
          .join(', ') +
        `; CPU % of one core: ${cpuText(shares)}`,
      data: { latency: s, docks, tasks, rate, failures: done.failures, cpu: shares, breakdown },
    };
  } finally {
    await Promise.all(mission.children.map((c) => c.stop()));
    await gateway.stop();
    await dropSchema(mission.schema).catch(() => undefined);
  }
}
