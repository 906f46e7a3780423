import {
  createSimulatedDock,
  DockBehaviour,
  DockSnapshot,
  DownloadOutcome,
  KmzDownloader,
  SimulatedDock,
} from '../../../apps/dock-simulator/src';
import { httpKmzDownloader } from '../../../apps/dock-simulator/src/adapters/kmz-downloader';
import { FINAL_TASK_STATES as FINAL_STATES } from '@dock/contracts';
import { eventually } from '../../support/eventually';
import { Apis, NewTask, Task, Wayline } from '../support/api-client';
import { buildKmz, BuiltKmz } from '../support/kmz';
import type { SystemUnderTest } from '../support/system-under-test';

/** What a scenario works with: the system's APIs, its own docks and its own wayline. */

export const FINAL_TASK_STATES: ReadonlySet<string> = new Set(FINAL_STATES);

export interface DownloadRecord {
  readonly url: string;
  readonly outcome: DownloadOutcome;
  readonly at: number;
}

export interface UploadedWayline extends Wayline {
  readonly kmz: BuiltKmz;
}

export class ScenarioContext {
  readonly apis: Apis;
  /** Every KMZ download any dock of the scenario made, in order. */
  readonly downloads: DownloadRecord[] = [];
  private readonly docks: SimulatedDock[] = [];
  private readonly flightIds: string[] = [];

  constructor(
    readonly system: SystemUnderTest,
    /** Short, upper case: the scenario's part of its dock SNs. */
    private readonly tag: string,
  ) {
    this.apis = new Apis(system);
  }

  /** A simulated dock of this scenario, connected to the system's broker and announced. */
  async dock(behaviour: Partial<DockBehaviour>, suffix = ''): Promise<SimulatedDock> {
    const sn = `${this.system.snPrefix}-${this.tag}${suffix}`;
    const download = httpKmzDownloader(10_000);
    const recording: KmzDownloader = async (url) => {
      const outcome = await download(url);
      this.downloads.push({ url, outcome, at: Date.now() });
      return outcome;
    };
    const dock = createSimulatedDock({
      sn,
      mqtt: {
        url: this.system.mqttUrl,
        protocolVersion: this.system.mqttProtocolVersion ?? 5,
        reconnectPeriodMs: 500,
        ...this.system.mqttLogin,
      },
      behaviour: this.system.organization
        ? { organization: this.system.organization, ...behaviour }
        : behaviour,
      downloader: recording,
    });
    this.docks.push(dock);
    await dock.start();
    // The gateway answered update_topo: the dock is known to be reachable through it.
    await eventually(
      () => expect(dock.snapshot().replies.latenciesMs.status_reply).not.toEqual([]),
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
    if (this.system.organization) {
      // Only a bound dock's telemetry and replies pass the broker (issue 15).
      await eventually(() => expect(dock.snapshot().onboarding.state).toBe('bound'), {
        timeoutMs: 15_000,
        intervalMs: 100,
      });
    }
    return dock;
  }

  async wayline(waypoints = 4): Promise<UploadedWayline> {
    const kmz = await buildKmz(`${this.system.snPrefix}-${this.tag}`, waypoints);
    const wayline = await this.apis.uploadWayline(kmz.bytes, `e2e-${this.tag.toLowerCase()}`);
    return { ...wayline, kmz };
  }

  /** Creates a task through the mission API, with the flight options every scenario uses. */
  async createTask(
    dock: SimulatedDock,
    wayline: Wayline,
    spec: Pick<NewTask, 'taskType' | 'executeTime' | 'readyConditions'>,
  ): Promise<Task> {
    const task = await this.apis.createTask({
      name: `e2e ${this.tag.toLowerCase()}`,
      gatewaySn: dock.sn,
      waylineId: wayline.id,
      rthAltitude: 100,
      exitWaylineWhenRcLost: 0,
      ...spec,
    });
    this.flightIds.push(task.flightId);
    return task;
  }

  /**
   * Polls the mission API until the task is in `state`; fails at once when it reached another
   * final state (no point waiting), or after `timeoutMs` with the task as it was.
   */
  async taskReaches(flightId: string, state: string, timeoutMs = 60_000): Promise<Task> {
    const deadline = Date.now() + timeoutMs;
    let last: Task | undefined;
    for (;;) {
      last = await this.apis.task(flightId);
      if (last.state === state) return last;
      if (FINAL_TASK_STATES.has(last.state)) {
        throw new Error(
          `task ${flightId} ended ${last.state} (waiting for ${state}): ${JSON.stringify(last)}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `task ${flightId} still ${last.state} after ${timeoutMs} ms (waiting for ${state}): ${JSON.stringify(last)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Polls until the mission API shows the task's progress at `step` or later. */
  async taskAtStep(flightId: string, step: number, timeoutMs = 30_000): Promise<Task> {
    return eventually(
      async () => {
        const task = await this.apis.task(flightId);
        if (FINAL_TASK_STATES.has(task.state)) {
          throw new Error(`task ended ${task.state} before step ${step}`);
        }
        expect(task.progress?.currentStep ?? 0).toBeGreaterThanOrEqual(step);
        return task;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** The scenario's docks and what the system logged about them, for a failure report. */
  describe(): string {
    const docks = this.docks.map((dock) => summarise(dock.snapshot())).join('\n');
    const needles = [...this.docks.map((dock) => dock.sn), ...this.flightIds];
    const logs = this.system.diagnostics?.(needles, 40) ?? '(no service logs from this harness)';
    return `docks:\n${docks}\ndownloads: ${JSON.stringify(this.downloads)}\n${logs}`;
  }

  async close(): Promise<void> {
    await Promise.all(this.docks.map((dock) => dock.stop()));
  }
}

function summarise(snapshot: DockSnapshot): string {
  const { sn, online, phase, battery, tasks, counters, replies, inbox } = snapshot;
  return JSON.stringify(
    {
      sn,
      online,
      phase,
      battery,
      tasks,
      serviceResults: counters.serviceResults,
      servicesReceived: counters.servicesReceived,
      connects: counters.connects,
      disconnects: counters.disconnects,
      replies: { ...replies, latenciesMs: undefined },
      inbox: inbox.slice(-15),
    },
    null,
    1,
  );
}
