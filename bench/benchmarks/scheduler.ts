import { Client } from 'pg';
import { BenchContext, env, fmt, kafkaPid, ResultRow } from '../lib/context';
import { BenchChild, CpuMeter, cpuTimeMs, rssMiB, sleep } from '../lib/proc';
import { readAll } from '../lib/kafka';
import { summarise } from '../lib/stats';
import { dropSchema, startMission } from './mission-sut';
import { startBenchGateway } from './reply';
import { cpuText } from './uplink';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface TimedRowSpec {
  id: string;
  label: string;
  figure: string;
  target: string;
  /** Tasks, round robin over `docks` docks (task i on dock i mod docks). */
  count: number;
  docks: number;
  /** execute_times spread evenly over this window. */
  spreadMs: number;
  /** Time given to create the tasks before the first execute_time. */
  createBudgetS: number;
  /** Judge the mission processes' RSS over the execute window (must stay flat). */
  rssFlat: boolean;
  /** The count the target names: a smaller (quick) run does not meet it. */
  targetCount: number;
}

/** Target 5: 10,000 timed tasks due in one minute, two mission replicas. */
export function runScheduler(ctx: BenchContext): Promise<ResultRow> {
  const count = ctx.quick ? 1_000 : env('BENCH_SCHED_TASKS', 10_000);
  return runTimedRow(ctx, {
    id: '5',
    label: 'sched',
    figure: 'Scheduler: timed tasks due in the same minute, 2 mission replicas',
    target: '10,000 tasks: all executed, p99 lateness ≤ 1 s, none twice, none early',
    count,
    docks: count,
    spreadMs: 60_000,
    createBudgetS: env('BENCH_SCHED_CREATE_BUDGET_S', ctx.quick ? 20 : 90),
    rssFlat: false,
    targetCount: 10_000,
  });
}

/** Target 5b: 50,000 timed tasks due over five minutes (five per dock), RSS flat. */
export function runSchedulerSustained(ctx: BenchContext): Promise<ResultRow> {
  const count = ctx.quick ? 5_000 : env('BENCH_SCHED_SUSTAINED_TASKS', 50_000);
  return runTimedRow(ctx, {
    id: '5b',
    label: 'sched5m',
    figure: 'Scheduler: timed tasks due over five minutes, 2 mission replicas',
    target:
      '50,000 tasks: all executed, p99 lateness ≤ 1 s, none twice, none early; mission RSS flat',
    count,
    docks: Math.max(1, Math.round(count / 5)),
    spreadMs: 300_000,
    createBudgetS: env('BENCH_SCHED_SUSTAINED_CREATE_BUDGET_S', ctx.quick ? 60 : 420),
    rssFlat: true,
    targetCount: 50_000,
  });
}

/**
 * `count` timed tasks, execute times spread over `spreadMs`, two mission replicas on one
 * database, docks that answer prepare and execute and report the flight's end. Lateness = the
 * dock's receipt of flighttask_execute minus the task's execute_time; a flight id received twice
 * is a double execution, one received before its time an early one.
 */
async function runTimedRow(ctx: BenchContext, spec: TimedRowSpec): Promise<ResultRow> {
  const { count, spreadMs } = spec;
  const leadMs = 180_000;
  const { child: gateway, topics } = await startBenchGateway(ctx, spec.label, {
    GATEWAY_MQTT_CONNECTIONS: String(env('BENCH_SCHED_GATEWAY_CONNECTIONS', 64)),
  });
  const missionEnv = {
    MISSION_PREPARE_LEAD_MS: String(leadMs),
    MISSION_SCHEDULER_INTERVAL_MS: String(env('BENCH_SCHED_INTERVAL_MS', 250)),
    MISSION_DOCKS_PER_ROUND: String(env('BENCH_SCHED_DOCKS_PER_ROUND', 200)),
    MISSION_SCHEDULER_CONCURRENCY: String(env('BENCH_SCHED_CONCURRENCY', 1)),
    // Diagnosis only (e.g. debug shows each lost race); the default keeps logs quiet.
    LOG_LEVEL: process.env.BENCH_MISSION_LOG_LEVEL ?? 'warn',
  };
  const missionStartedAt = new Date();
  const mission = await startMission(ctx, spec.label, topics, 2, missionEnv);
  try {
    const responder = new BenchChild('dock-responder', 'bench/load/dock-responder.ts', {
      logDir: ctx.logDir,
      env: {
        BENCH_ARGS: JSON.stringify({
          mqttUrl: ctx.broker.url,
          docks: spec.docks,
          connections: 50,
          snPrefix: 'SCH',
          flightMs: 2_000,
        }),
      },
    });
    await responder.waitFor('ready', 120_000);
    const start = Date.now();
    const firstExecuteAt = start + spec.createBudgetS * 1000 + 125_000;
    const creator = new BenchChild('task-creator', 'bench/load/task-creator.ts', {
      logDir: ctx.logDir,
      env: {
        BENCH_ARGS: JSON.stringify({
          urls: mission.urls,
          count,
          docks: spec.docks,
          snPrefix: 'SCH',
          firstExecuteAt,
          spreadMs,
          concurrency: 16,
        }),
      },
    });
    const missionPids = { mission0: mission.children[0].pid, mission1: mission.children[1].pid };
    const cpu = new CpuMeter({
      gateway: gateway.pid,
      ...missionPids,
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
    }>('created', spec.createBudgetS * 1000 + 600_000);
    ctx.log(
      `  ${spec.label}: created ${fmt(created.tasks.length)} in ${fmt(created.createMs)} ms, ` +
        `${created.failed} failed ${created.failures[0] ?? ''}; executes from ` +
        `${new Date(firstExecuteAt).toISOString()}`,
    );
    // The execute window alone: the CPU the dispatches cost, and the RSS over it.
    await sleep(Math.max(0, firstExecuteAt - 5_000 - Date.now()));
    const pgPids = await postgresBackends(missionStartedAt);
    const windowCpu = {
      mission: sumCpu(Object.values(missionPids)),
      postgres: sumCpu(pgPids),
      at: Date.now(),
    };
    const rss: { at: number; mib: number }[] = [];
    const sampler = setInterval(() => {
      const mib = Object.values(missionPids).reduce((n, pid) => n + rssMiB(pid), 0);
      if (Number.isFinite(mib)) rss.push({ at: Date.now(), mib: Math.round(mib) });
    }, 5_000);
    const waitMs = firstExecuteAt + spreadMs + 15_000 - Date.now();
    await sleep(Math.max(0, waitMs));
    clearInterval(sampler);
    const windowS = (Date.now() - windowCpu.at) / 1000;
    const missionCpuS = (sumCpu(Object.values(missionPids)) - windowCpu.mission) / 1000;
    const postgresCpuS = (sumCpu(pgPids) - windowCpu.postgres) / 1000;
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
    let dispatches = 0;
    // Execute commands per flight as the mission wrote them (distinct correlation ids): more
    // than one is a double dispatch; a flight the dock got twice from one command is a double
    // delivery downstream (the gateway's at-least-once consumer, MQTT QoS 1).
    const executeCommands = new Map<string, Set<string>>();
    for (const record of commandRecords) {
      const command = JSON.parse(record.value) as {
        method: string;
        requestedAt: number;
        data?: { flight_id?: string };
      };
      if (command.requestedAt >= windowCpu.at) dispatches++;
      const flightId = command.data?.flight_id;
      if (command.method !== 'flighttask_execute' || !flightId) continue;
      const ids = executeCommands.get(flightId) ?? new Set<string>();
      ids.add((command as { correlationId?: string }).correlationId ?? '');
      executeCommands.set(flightId, ids);
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
    ctx.log(`  ${spec.label} legs: ${JSON.stringify(legs)}`);
    const dispatchedTwice = [...executeCommands.values()].filter((ids) => ids.size > 1).length;
    const s = summarise(lateness);
    ctx.log(
      `  ${spec.label}: ${JSON.stringify(s)} missing ${missing} twice ${twice} early ${early} calls ${JSON.stringify(seen.calls)}`,
    );
    const rssFirst = rss.slice(0, Math.max(1, Math.floor(rss.length / 4)));
    const rssLast = rss.slice(-Math.max(1, Math.floor(rss.length / 4)));
    const mean = (xs: { mib: number }[]) => xs.reduce((n, x) => n + x.mib, 0) / (xs.length || 1);
    const rssGrowth = rss.length > 1 ? mean(rssLast) / mean(rssFirst) - 1 : 0;
    const rssOk = !spec.rssFlat || rssGrowth <= 0.15;
    const perCpu = {
      mission: missionCpuS > 0 ? dispatches / missionCpuS : 0,
      postgres: postgresCpuS > 0 ? dispatches / postgresCpuS : 0,
    };
    const met =
      !ctx.quick &&
      count >= spec.targetCount &&
      created.failed === 0 &&
      missing === 0 &&
      twice === 0 &&
      early === 0 &&
      s.p99 <= 1_000 &&
      rssOk;
    const rssText = spec.rssFlat
      ? `; mission RSS (both replicas) first quarter ${fmt(mean(rssFirst))} MiB, last quarter ` +
        `${fmt(mean(rssLast))} MiB (${fmt(rssGrowth * 100, 1)} %)`
      : '';
    return {
      id: spec.id,
      figure: spec.figure,
      target: spec.target,
      measured:
        `${fmt(count - missing)} of ${fmt(count)} executed; lateness p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms, ` +
        `max ${fmt(s.max)} ms; twice ${twice} (dispatched twice by mission: ${dispatchedTwice}); early ${early}; ` +
        `create failures ${created.failed}${rssText}`,
      met,
      notes:
        `${fmt(spec.docks)} docks (multiplexed over 50 MQTT connections, answering prepare and execute at once, ` +
        `flight ends 2 s after execute), MISSION_PREPARE_LEAD_MS ${leadMs}, ` +
        `scheduler interval ${missionEnv.MISSION_SCHEDULER_INTERVAL_MS} ms (the timer wakes for the next due time sooner), ` +
        `batch ${missionEnv.MISSION_DOCKS_PER_ROUND} docks, ${missionEnv.MISSION_SCHEDULER_CONCURRENCY} batch at once per replica; ` +
        `created in ${fmt(created.createMs / 1000, 1)} s (prepares ran meanwhile); ` +
        `execute window ${fmt(windowS, 0)} s: ${fmt(dispatches)} commands dispatched, ` +
        `${fmt(perCpu.mission)} per CPU-second of mission (both replicas, ${fmt(missionCpuS, 1)} s), ` +
        `${fmt(perCpu.postgres)} per CPU-second of PostgreSQL (the replicas' ${pgPids.length} backends, ${fmt(postgresCpuS, 1)} s); ` +
        `p50 / p99 by leg (ms): ` +
        Object.entries(legs)
          .map(([leg, l]) => `${leg} ${fmt(l.p50)} / ${fmt(l.p99)}`)
          .join(', ') +
        `; services seen ${JSON.stringify(seen.calls)}; CPU % of one core over the run: ${cpuText(shares)}`,
      data: {
        lateness: s,
        legs,
        count,
        docks: spec.docks,
        missing,
        twice,
        dispatchedTwice,
        early,
        calls: seen.calls,
        cpu: shares,
        window: { seconds: windowS, dispatches, missionCpuS, postgresCpuS, perCpu },
        rss,
        rssGrowth,
      },
    };
  } finally {
    await Promise.all(mission.children.map((c) => c.stop()));
    await gateway.stop();
    await dropSchema(mission.schema).catch(() => undefined);
  }
}

function sumCpu(pids: readonly number[]): number {
  return pids.reduce((n, pid) => {
    const ms = cpuTimeMs(pid);
    return Number.isFinite(ms) ? n + ms : n;
  }, 0);
}

/** The PostgreSQL backends of this run's mission replicas (connected since they started). */
async function postgresBackends(since: Date): Promise<number[]> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE application_name IN ('mission-0', 'mission-1') AND backend_start >= $1`,
      [since],
    );
    return result.rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}
