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
  const replicas = env('BENCH_COMMAND_REPLICAS', 2);
  const mission = await startMission(ctx, 'command', topics, replicas);
  try {
    const client = new BenchChild('command-client', 'bench/load/command-client.ts', {
      logDir: ctx.logDir,
      env: {
        BENCH_ARGS: JSON.stringify({
          mqttUrl: ctx.broker.url,
          missionUrls: mission.urls,
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
      ...Object.fromEntries(mission.children.map((child, r) => [`mission${r}`, child.pid])),
      client: client.pid,
      mosquitto: ctx.broker.pid,
      kafka: kafkaPid(),
    });
    cpu.begin();
    client.send({ type: 'go' });
    const done = await client.waitFor<{
      type: string;
      latencies: number[];
      answerToReadable: number[];
      reads: number;
      readRetries: number;
      failures: number;
      failureSamples: string[];
      states: Record<string, number>;
    }>('done', (tasks / rate) * 1000 + 120_000);
    const shares = cpu.end();
    // CPU time rather than wall time: comparable across runs on a shared machine.
    const missionCpuMs = Object.entries(shares)
      .filter(([name]) => name.startsWith('mission'))
      .reduce((ms, [, share]) => ms + (share / 100) * cpu.elapsedMs, 0);
    const missionCpuPerTask = missionCpuMs / tasks;
    const s = summarise(done.latencies);
    const afterAnswer = summarise(done.answerToReadable);
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
        `${fmt(docks)} simulated docks online (osd every 2 s; they answer prepare and execute and fly the task at 300× speed), ${fmt(rate)} tasks/s, ` +
        `${replicas} mission replica(s) (tasks created and read on each in turn), state read every ${env('BENCH_COMMAND_POLL_MS', 5)} ms once the dock has answered the prepare ` +
        `(${fmt(done.reads)} reads, ${fmt(done.readRetries)} resent after a transport error; dock's answer → state readable p50 ${fmt(afterAnswer.p50, 1)}, p99 ${fmt(afterAnswer.p99, 1)}); ` +
        `states seen ${JSON.stringify(done.states)}; p99 by leg (ms): ` +
        Object.entries(breakdown)
          .map(([leg, l]) => `${leg} ${fmt(l.p99, 1)}`)
          .join(', ') +
        `; mission CPU ${fmt(missionCpuPerTask, 1)} ms per task (all replicas); CPU % of one core: ${cpuText(shares)}`,
      data: {
        latency: s,
        answerToReadable: afterAnswer,
        reads: done.reads,
        readRetries: done.readRetries,
        docks,
        tasks,
        rate,
        replicas,
        failures: done.failures,
        cpu: shares,
        missionCpuPerTask,
        breakdown,
      },
    };
  } finally {
    await Promise.all(mission.children.map((c) => c.stop()));
    await gateway.stop();
    await dropSchema(mission.schema).catch(() => undefined);
  }
}
