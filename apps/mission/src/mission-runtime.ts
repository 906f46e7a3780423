import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { ServiceBridge } from '@dock/kafka';
import { closeDataSource, OutboxRelayLoop, PeriodicLoop, ServiceRuntime } from '@dock/platform';
import { CommandReplyHandler } from './adapters/kafka/command-reply-handler';
import { DeviceEventHandler } from './adapters/kafka/device-event-handler';
import type { MissionTopics } from './adapters/kafka/mission-topics';
import { UplinkEventHandler } from './adapters/kafka/uplink-event-handler';
import type { DockDue, MissionService, Wakeups } from './application/mission-service';
import type { PlanService } from './application/plan-service';
import type { DockOrganizations, OutboxRelay } from './application/ports';
import type { Scheduler } from './application/scheduler';
import { MissionConfig, partitionsConcurrently } from './mission.config';

/**
 * Kicks the loops once they run; before that (and after) a kick is a no-op. A dock due now is
 * dispatched at once (docks named meanwhile go together in one batch); a dock due later brings
 * the scheduler's timer forward. A relay asked for while a dispatch is pending waits for that
 * dispatch to commit: a relay run started earlier would find the outbox without its command,
 * and the command would wait for that run (a Kafka round trip) before going out.
 */
export class LoopWakeups implements Wakeups {
  scheduler: PeriodicLoop | undefined;
  relayer: PeriodicLoop | undefined;
  /** Plans the named docks now; ms until a time (negative: due). Set by the runtime. */
  dispatcher:
    { dispatch(gatewaySns: string[]): Promise<unknown>; msUntil(at: number): number } | undefined;
  private readonly pending = new Set<string>();
  private flushing = false;

  schedule(due?: DockDue): void {
    const dispatcher = this.dispatcher;
    if (!due || !dispatcher) {
      this.scheduler?.kick();
      return;
    }
    const ms = dispatcher.msUntil(due.dueAt);
    if (ms > 0) {
      this.scheduler?.wakeIn(ms);
      return;
    }
    this.pending.add(due.gatewaySn);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush(dispatcher));
    }
  }

  relay(): void {
    // The flush kicks the relay once the pending dispatch has committed (or failed).
    if (this.flushing) return;
    this.relayer?.kick();
  }

  private async flush(dispatcher: NonNullable<LoopWakeups['dispatcher']>): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const docks = [...this.pending];
        this.pending.clear();
        try {
          await dispatcher.dispatch(docks);
        } catch {
          // The docks stay due: the scheduler's round takes them (and logs what failed).
          this.scheduler?.kick();
        }
        // The dispatch's records, and those of the changes that asked for it, go out now.
        this.relayer?.kick();
      }
    } finally {
      this.flushing = false;
    }
  }
}

/** The shortest wait between rounds that found nothing to do now. */
const MIN_WAIT_MS = 5;

/** What the runtime runs: the module's providers (mission.module.ts names their tokens). */
export interface MissionRuntimeParts {
  kafka: ServiceBridge;
  missions: MissionService;
  plans: PlanService;
  scheduler: Scheduler;
  relay: OutboxRelay;
  wakeups: LoopWakeups;
  dataSource: DataSource;
  docks: DockOrganizations;
}

export interface MissionRuntimeSettings {
  config: MissionConfig;
  topics: MissionTopics;
  logger: Logger;
  /** The database pool's size (default: the data source's): caps the reply partitions at once. */
  databasePoolSize?: number;
}

/**
 * Starts the scheduler loop, the outbox relay and the consumers (command outcomes, dock
 * events, the registry's dock bindings) once the app (and its migrated database) is up; drains
 * intake first and sends what the outbox holds; closes the database last.
 */
export class MissionRuntime implements ServiceRuntime {
  private schedulerLoop: PeriodicLoop | undefined;
  private relayLoop: OutboxRelayLoop | undefined;
  private readonly kafka: ServiceBridge;
  private readonly plans: PlanService;
  private readonly scheduler: Scheduler;
  private readonly wakeups: LoopWakeups;
  private readonly config: MissionConfig;
  private readonly logger: Logger;

  constructor(
    private readonly parts: MissionRuntimeParts,
    private readonly settings: MissionRuntimeSettings,
  ) {
    // The names the scheduler loop has always used.
    this.kafka = parts.kafka;
    this.plans = parts.plans;
    this.scheduler = parts.scheduler;
    this.wakeups = parts.wakeups;
    this.config = settings.config;
    this.logger = settings.logger;
  }

  async start(): Promise<void> {
    await this.kafka.connect();
    this.relayLoop = new OutboxRelayLoop(
      this.parts.relay,
      this.config.MISSION_RELAY_INTERVAL_MS,
      this.logger,
    );
    this.schedulerLoop = new PeriodicLoop(
      'scheduler',
      this.config.MISSION_SCHEDULER_INTERVAL_MS,
      async () => {
        await this.plans.extendPlans();
        const round = await this.scheduler.runRound();
        if (round.actions > 0) this.relayLoop?.kick();
        // A full batch: more is due, go again at once. Otherwise sleep until the next due time
        // (the loop caps the wait by the interval, which also covers a replica's work that
        // another replica holds: SKIP LOCKED leaves it due here, so wait a little, not spin).
        if (round.more) return { nextRunInMs: 0 };
        if (round.nextDueAt === null) return undefined;
        return {
          nextRunInMs: Math.max(MIN_WAIT_MS, this.scheduler.msUntil(round.nextDueAt)),
        };
      },
      this.logger,
    );
    this.wakeups.dispatcher = {
      dispatch: (docks) => this.scheduler.dispatchDocks(docks),
      msUntil: (at) => this.scheduler.msUntil(at),
    };
    this.wakeups.scheduler = this.schedulerLoop;
    this.wakeups.relayer = this.relayLoop;
    this.relayLoop.start();
    this.schedulerLoop.start();
    const logger = this.logger.child({ component: 'kafka' });
    const replies = new CommandReplyHandler(this.parts.missions, logger);
    const events = new UplinkEventHandler(this.parts.missions, logger);
    const devices = new DeviceEventHandler(this.parts.docks, logger);
    const { topics } = this.settings;
    const prefix = this.config.MISSION_KAFKA_GROUP_PREFIX;
    await this.kafka.startConsumers([
      {
        groupId: `${prefix}.command-replies`,
        topics: [topics.commandReplies],
        // Replies of different partitions (docks) are independent: a partition waits for its
        // own previous batch only, not for the others' transactions.
        partitionsConsumedConcurrently: partitionsConcurrently(
          this.config,
          this.settings.databasePoolSize,
        ),
        handleBatch: (records) => replies.handleBatch(records),
      },
      {
        groupId: `${prefix}.uplink-events`,
        topics: [topics.uplinkEvents],
        handleBatch: (records) => events.handleBatch(records),
      },
      {
        groupId: `${prefix}.device-events`,
        topics: [topics.deviceEvents],
        handleBatch: (records) => devices.handleBatch(records),
      },
    ]);
  }

  async drain(): Promise<void> {
    await this.kafka.stopConsumers();
    await this.schedulerLoop?.stop();
    // What the last changes wrote to the outbox goes out now rather than at the next start.
    await this.relayLoop?.drain();
    await this.kafka.disconnect();
  }

  async stop(): Promise<void> {
    await closeDataSource(this.parts.dataSource, this.logger);
  }
}
