import { KmzDownloader } from '../adapters/kmz-downloader';
import { TimerWheel } from '../adapters/timer-wheel';
import { DockBehaviour } from '../domain/behaviour';
import { DockSnapshot } from '../domain/dock-machine';
import { buildFleetReport, FleetReport } from '../report/fleet-report';
import {
  createSimulatedDock,
  DockLogger,
  MqttSettings,
  PublishObserver,
  SimulatedDock,
} from './simulated-dock';

/**
 * Many docks in one process: one MQTT connection each, one shared timer wheel, connections
 * opened a few at a time so a thousand docks do not overflow the broker's accept backlog.
 */

export interface FleetOptions {
  readonly docks: number;
  /** Dock i is `${snPrefix}${i, zero-padded to 4+ digits}`. */
  readonly snPrefix: string;
  readonly mqtt: MqttSettings;
  readonly behaviour?: Partial<DockBehaviour>;
  /** Connections being opened at once; default 50. */
  readonly connectConcurrency?: number;
  readonly downloader?: KmzDownloader;
  readonly logger?: DockLogger;
  /** Sees every message a dock of the fleet publishes (see SimulatedDockOptions.onPublish). */
  readonly onPublish?: PublishObserver;
}

export interface ConnectSummary {
  readonly connected: number;
  readonly failed: number;
}

/** Live counters for progress display (cheap enough to compute a few times a second). */
export interface FleetProgress {
  readonly docks: number;
  readonly online: number;
  readonly published: number;
  readonly tasksOpen: number;
  readonly tasksOk: number;
  readonly tasksFailed: number;
  readonly repliesPending: number;
  readonly repliesMissing: number;
}

export interface Fleet {
  readonly docks: readonly SimulatedDock[];
  dock(sn: string): SimulatedDock | undefined;
  /** Connects every dock; resolves when each has connected or given up. */
  start(): Promise<ConnectSummary>;
  snapshots(): DockSnapshot[];
  progress(): FleetProgress;
  /** At least one task ended and no dock has a task open or a reply pending. */
  isIdle(): boolean;
  report(): FleetReport;
  /** Disconnects every dock and returns the final report. */
  stop(): Promise<FleetReport>;
}

export function dockSerial(prefix: string, index: number, total: number): string {
  const width = Math.max(4, String(total).length);
  return `${prefix}${String(index + 1).padStart(width, '0')}`;
}

export function createFleet(options: FleetOptions): Fleet {
  const wheel = new TimerWheel();
  const docks = Array.from({ length: options.docks }, (_, i) =>
    createSimulatedDock({
      sn: dockSerial(options.snPrefix, i, options.docks),
      mqtt: options.mqtt,
      wheel,
      ...(options.behaviour === undefined ? {} : { behaviour: options.behaviour }),
      ...(options.downloader === undefined ? {} : { downloader: options.downloader }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.onPublish === undefined ? {} : { onPublish: options.onPublish }),
    }),
  );
  const bySn = new Map(docks.map((dock) => [dock.sn, dock]));
  const startedAt = Date.now();
  let connectFailures = 0;
  let finalReport: FleetReport | null = null;

  const snapshots = () => docks.map((dock) => dock.snapshot());
  const report = () =>
    finalReport ??
    buildFleetReport({
      startedAt,
      endedAt: Date.now(),
      snapshots: snapshots(),
      connectFailures,
      publishErrors: docks.reduce((total, dock) => total + dock.publishErrors, 0),
    });

  return {
    docks,
    dock: (sn) => bySn.get(sn),
    async start() {
      const queue = [...docks];
      let connected = 0;
      const worker = async () => {
        for (let dock = queue.shift(); dock !== undefined; dock = queue.shift()) {
          try {
            await dock.start();
            connected += 1;
          } catch (error) {
            connectFailures += 1;
            options.logger?.warn({ sn: dock.sn, error: String(error) }, 'dock did not connect');
          }
        }
      };
      const workers = Math.max(1, Math.min(options.connectConcurrency ?? 50, docks.length));
      await Promise.all(Array.from({ length: workers }, worker));
      return { connected, failed: connectFailures };
    },
    snapshots,
    progress() {
      let online = 0;
      let published = 0;
      let tasksOpen = 0;
      let tasksOk = 0;
      let tasksFailed = 0;
      let repliesPending = 0;
      let repliesMissing = 0;
      for (const dock of docks) {
        const s = dock.snapshot();
        if (s.online) online += 1;
        for (const count of Object.values(s.counters.published)) published += count;
        for (const task of s.tasks) {
          if (task.state === 'prepared' || task.state === 'executing') tasksOpen += 1;
          else if (task.state === 'ok') tasksOk += 1;
          else if (task.state !== 'undone') tasksFailed += 1;
        }
        repliesPending += s.replies.pending;
        for (const count of Object.values(s.replies.missing)) repliesMissing += count;
      }
      return {
        docks: docks.length,
        online,
        published,
        tasksOpen,
        tasksOk,
        tasksFailed,
        repliesPending,
        repliesMissing,
      };
    },
    isIdle() {
      const ended = docks.some((dock) =>
        dock.snapshot().tasks.some((t) => t.state !== 'prepared' && t.state !== 'executing'),
      );
      return ended && docks.every((dock) => dock.isIdle());
    },
    report,
    async stop() {
      if (finalReport !== null) return finalReport;
      const last = report();
      finalReport = last;
      await Promise.all(docks.map((dock) => dock.stop()));
      wheel.stop();
      return last;
    },
  };
}

/** Creates the fleet and connects it; the library entry point for tests. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const fleet = createFleet(options);
  await fleet.start();
  return fleet;
}
