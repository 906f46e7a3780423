/**
 * `npm run bench`: the fleet-scale benchmarks of docs/performance.md. Starts a Mosquitto of its
 * own (loopback, port BENCH_MQTT_PORT), uses the local Kafka, Redis and PostgreSQL
 * (`npm run infra:up`), runs each benchmark with the system under test and the load generator
 * in separate processes, prints one table and writes bench/results/latest.{md,json}.
 *
 *   npm run bench                       # everything (~13 min)
 *   npm run bench -- --only uplink,reply --quick
 *   npm run bench -- --only uplink,burst      # the gateway rows (1, 2, 7)
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runBurst } from './benchmarks/burst';
import { runCommandRoundTrip } from './benchmarks/command';
import { runMemory } from './benchmarks/memory';
import { runReplyLatency } from './benchmarks/reply';
import { runScheduler, runSchedulerSustained } from './benchmarks/scheduler';
import { runTelemetry } from './benchmarks/telemetry';
import { runUplink, uplinkRows, uplinkSettingsFromEnv } from './benchmarks/uplink';
import { runSweep } from './benchmarks/sweep';
import { BenchContext, env, ResultRow } from './lib/context';
import { benchKafka, deleteTopicsWithPrefix } from './lib/kafka';
import { startBroker } from './lib/mosquitto';
import { machineInfo, renderTable, writeResults } from './lib/results';

const ALL = ['uplink', 'burst', 'memory', 'reply', 'command', 'scheduler', 'telemetry'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      sweep: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const only = values.only ? values.only.split(',') : [...ALL];
  const quick = values.quick ?? false;
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const machine = machineInfo();
  log(`bench: ${machine.cores} cores, load ${machine.loadAverageAtStart.join(' ')}`);
  const runId = `r${Date.now().toString(36)}`;
  const logDir = mkdtempSync(path.join(os.tmpdir(), `dock-bench-${runId}-`));
  mkdirSync(logDir, { recursive: true });
  log(`bench: run ${runId}, logs in ${logDir}`);
  const broker = await startBroker(env('BENCH_MQTT_PORT', 18830), logDir);
  const kafka = benchKafka('bench');
  const ctx: BenchContext = { runId, logDir, broker, kafka, quick, log };
  const rows: ResultRow[] = [];
  const sections: string[] = [];
  const settings: Record<string, unknown> = { mosquitto: broker.configText };
  try {
    if (only.includes('uplink')) {
      log('bench: uplink (targets 1 and 2)');
      const s = uplinkSettingsFromEnv(quick);
      settings.uplink = s;
      const duration = quick ? 15 : env('BENCH_UPLINK_DURATION_S', 60);
      const satRate = env('BENCH_SATURATION_RATE', 30_000);
      const satDuration = quick ? 10 : env('BENCH_SATURATION_DURATION_S', 20);
      const target1 = await runUplink(ctx, 'gateway', s, 20_000, duration, 'target1');
      const gatewaySat = await runUplink(ctx, 'gateway', s, satRate, satDuration, 'gw-sat');
      const bareSat = await runUplink(ctx, 'bare', s, satRate, satDuration, 'bare-sat');
      rows.push(...uplinkRows(target1, gatewaySat, bareSat, quick));
    }
    if (only.includes('burst')) {
      log('bench: burst, gateway vs trivial responder (target 7)');
      rows.push(
        await runBurst(ctx).catch((error: unknown) => failedRow('7', 'burst events_reply', error)),
      );
    }
    if (only.includes('memory')) {
      log('bench: gateway memory against fleet size');
      sections.push(await runMemory(ctx, uplinkSettingsFromEnv(quick)));
    }
    if (values.sweep) {
      log('bench: connection / batching sweep');
      sections.push(await runSweep(ctx, uplinkSettingsFromEnv(quick)));
    }
    const single: [string, string, string, (c: BenchContext) => Promise<ResultRow>][] = [
      ['reply', '3', 'events_reply latency', runReplyLatency],
      ['command', '4', 'command round trip', runCommandRoundTrip],
      ['scheduler', '5', 'scheduler', runScheduler],
      ['scheduler', '5b', 'scheduler over five minutes', runSchedulerSustained],
      ['telemetry', '6', 'telemetry ingestion', runTelemetry],
    ];
    for (const [name, id, title, run] of single) {
      if (!only.includes(name)) continue;
      log(`bench: ${title} (target ${id})`);
      rows.push(await run(ctx).catch((error: unknown) => failedRow(id, title, error)));
    }
  } finally {
    await broker.stop();
    await deleteTopicsWithPrefix(kafka, `bench.${runId}`);
  }
  machine.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const stamp = new Date().toISOString();
  process.stdout.write(`\n${renderTable(rows)}\n\n${sections.join('\n\n')}\n`);
  if (!values['no-write']) {
    const { files } = writeResults(path.join(__dirname, 'results'), stamp, machine, rows, {
      settings,
      quick,
      sections,
      partial: values.only !== undefined,
    });
    log(`bench: wrote ${files.join(', ')}`);
  }
}

/** A benchmark that could not run still gets its line, with the error. */
function failedRow(id: string, title: string, error: unknown): ResultRow {
  return {
    id,
    figure: title,
    target: 'see docs/performance.md',
    measured: 'not measured: the benchmark failed',
    met: false,
    notes: error instanceof Error ? error.message : String(error),
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
