import { BenchContext, env, fmt, kafkaPid, ResultRow } from '../lib/context';
import { BenchChild, CpuMeter, sleep } from '../lib/proc';
import { readAll } from '../lib/kafka';
import { summarise } from '../lib/stats';
import { dropSchema, startMission } from './mission-sut';
import { startBenchGateway } from './reply';
import { cpuText } from './uplink';

/**
 * Target 5: `count` timed tasks, one per dock, execute times spread over one minute, two
 * mission replicas on one database. Lateness = the dock's receipt of flighttask_execute minus
 * the task's execute_time; a flight id received twice is a double execution.
 */
export async function runScheduler(ctx: BenchContext): Promise<ResultRow> {
  const count = ctx.quick ? 1_000 : env('BENCH_SCHED_TASKS', 10_000);
  const spreadMs = 60_000;
  const leadMs = 180_000;
  const createBudgetS = env('BENCH_SCHED_CREATE_BUDGET_S', ctx.quick ? 20 : 90);
  const { child: gateway, topics } = await startBenchGateway(ctx, 'sched', {
    GATEWAY_MQTT_CONNECTIONS: String(env('BENCH_SCHED_GATEWAY_CONNECTIONS', 64)),
  });
  const missionEnv = {
    MISSION_PREPARE_LEAD_MS: String(leadMs),
    MISSION_SCHEDULER_INTERVAL_MS: String(env('BENCH_SCHED_INTERVAL_MS', 250)),
    MISSION_DOCKS_PER_ROUND: String(env('BENCH_SCHED_DOCKS_PER_ROUND', 100)),
    // The service's default unless the run asks for another (recorded in the notes either way).
    MISSION_SCHEDULER_CONCURRENCY: String(env('BENCH_SCHED_CONCURRENCY', 2)),
    // Diagnosis only (e.g. debug shows each lost planning race); the default keeps logs quiet.
    LOG_LEVEL: process.env.BENCH_MISSION_LOG_LEVEL ?? 'warn',
  };
  const mission = await startMission(ctx, 'sched', topics, 2, missionEnv);
  try {
    const responder = new BenchChild('dock-responder', 'bench/load/dock-responder.ts', {
      logDir: ctx.logDir,
      env: {
        BENCH_ARGS: JSON.stringify({
          mqttUrl: ctx.broker.url,
          docks: count,
          connections: 50,
          snPrefix: 'SCH',
        }),
      },
    });
    await responder.waitFor('ready', 120_000);
    const start = Date.now();
    const firstExecuteAt = start + createBudgetS * 1000 + 125_000;
    const creator = new BenchChild('task-creator', 'bench/load/task-creator.ts', {
      logDir: ctx.logDir,
      env: {
        BENCH_ARGS: JSON.stringify({
          urls: mission.urls,
          count,
          snPrefix: 'SCH',
          firstExecuteAt,
          spreadMs,
          concurrency: 16,
        }),
      },
    });
    const cpu = new CpuMeter({
      gateway: gateway.pid,
      mission0: mission.children[0].pid,
      mission1: mission.children[1].pid,
      responder: responder.pid,
      mosquitto: ctx.broker.pid,
      kafka: kafkaPid(),
    });
    cpu.begin();
    const created = await creator.waitFor<{
      type: string;
      tasks: [string, number][];
      failed: number;
      failures: string[];
      createMs: number;
    }>('created', 600_000);
    ctx.log(
      `  scheduler: created ${fmt(created.tasks.length)} in ${fmt(created.createMs)} ms, ` +
        `${created.failed} failed ${created.failures[0] ?? ''}; executes from ` +
        `${new Date(firstExecuteAt).toISOString()}`,
    );
    const waitMs = firstExecuteAt + spreadMs + 15_000 - Date.now();
    await sleep(Math.max(0, waitMs));
    const shares = cpu.end();
    responder.send({ type: 'collect' });
    const seen = await responder.waitFor<{
      type: string;
      calls: Record<string, number>;
      executes: [string, number, number][];
    }>('executes', 60_000);
    const received = new Map(seen.executes.map(([id, first, n]) => [id, { first, n }]));
    const lateness: number[] = [];
    let missing = 0;
    let twice = 0;
    let early = 0;
    for (const [flightId, executeTime] of created.tasks) {
      const r = received.get(flightId);
      if (!r) {
        missing++;
        continue;
      }
      if (r.n > 1) twice++;
      if (r.first < executeTime) early++;
      lateness.push(r.first - executeTime);
    }
    // Where lateness comes from: the scheduler's dispatch (requestedAt of the execute command),
    // the outbox relay (its Kafka record time), then gateway → dock (the dock's receipt).
    const commandRecords = await readAll(ctx.kafka, [topics.commands]);
    const executeTimes = new Map(created.tasks);
    const dispatchLate: number[] = [];
    const relayDelay: number[] = [];
    const deliveryDelay: number[] = [];
    for (const record of commandRecords) {
      const command = JSON.parse(record.value) as {
        method: string;
        requestedAt: number;
        data?: { flight_id?: string };
      };
      const flightId = command.data?.flight_id;
      if (command.method !== 'flighttask_execute' || !flightId) continue;
      const executeTime = executeTimes.get(flightId);
      if (executeTime === undefined) continue;
      dispatchLate.push(command.requestedAt - executeTime);
      relayDelay.push(record.timestamp - command.requestedAt);
      const r = received.get(flightId);
      if (r) deliveryDelay.push(r.first - record.timestamp);
    }
    const legs = {
      'execute_time → scheduler dispatch': summarise(dispatchLate),
      'dispatch → outbox relay to Kafka': summarise(relayDelay),
      'Kafka → dock receipt': summarise(deliveryDelay),
    };
    ctx.log(`  scheduler legs: ${JSON.stringify(legs)}`);
    const within = lateness.filter((l) => l >= 0 && l <= 2_000).length;
    const s = summarise(lateness);
    ctx.log(
      `  scheduler: ${JSON.stringify(s)} missing ${missing} twice ${twice} calls ${JSON.stringify(seen.calls)}`,
    );
    const met =
      !ctx.quick &&
      count >= 10_000 &&
      created.failed === 0 &&
      missing === 0 &&
      twice === 0 &&
      within === created.tasks.length;
    return {
      id: '5',
      figure: 'Scheduler: timed tasks due in the same minute, 2 mission replicas',
      target: '10,000 tasks: each executed within 2 s of execute_time, none twice',
      measured:
        `${fmt(within)} of ${fmt(count)} within 2 s; lateness p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms, ` +
        `max ${fmt(s.max)} ms; twice ${twice}; missing ${missing}; early ${early}; create failures ${created.failed}`,
      met,
      notes:
        `${fmt(count)} docks (multiplexed over 50 MQTT connections, answering at once), ` +
        `MISSION_PREPARE_LEAD_MS ${leadMs}, scheduler interval ${missionEnv.MISSION_SCHEDULER_INTERVAL_MS} ms, ` +
        `${missionEnv.MISSION_DOCKS_PER_ROUND} docks per round, ${missionEnv.MISSION_SCHEDULER_CONCURRENCY} dock transactions at once per replica; created in ${fmt(created.createMs / 1000, 1)} s ` +
        `(prepares ran meanwhile); p50 / p99 by leg (ms): ` +
        Object.entries(legs)
          .map(([leg, l]) => `${leg} ${fmt(l.p50)} / ${fmt(l.p99)}`)
          .join(', ') +
        `; services seen ${JSON.stringify(seen.calls)}; CPU % of one core over the run: ${cpuText(shares)}`,
      data: {
        lateness: s,
        legs,
        count,
        within,
        missing,
        twice,
        early,
        calls: seen.calls,
        cpu: shares,
      },
    };
  } finally {
    await Promise.all(mission.children.map((c) => c.stop()));
    await gateway.stop();
    await dropSchema(mission.schema).catch(() => undefined);
  }
}
