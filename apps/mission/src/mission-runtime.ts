import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { LOGGER, PeriodicLoop } from '@dock/platform';
import { CommandReplyHandler } from './adapters/kafka/command-reply-handler';
import { DeviceEventHandler } from './adapters/kafka/device-event-handler';
import type { MissionKafkaBridge } from './adapters/kafka/mission-kafka-bridge';
import { UplinkEventHandler } from './adapters/kafka/uplink-event-handler';
import type { DockDue, MissionService, Wakeups } from './application/mission-service';
import type { PlanService } from './application/plan-service';
import type { DockOrganizations, OutboxRelay } from './application/ports';
import type { Scheduler } from './application/scheduler';
import type { MissionConfig } from './mission.config';
import {
  DATA_SOURCE,
  DOCK_ORGANIZATIONS,
  KAFKA_BRIDGE,
  MISSION_CONFIG,
  MISSION_SERVICE,
  OUTBOX_RELAY,
  PLAN_SERVICE,
  SCHEDULER,
  WAKEUPS,
} from './mission.tokens';

/**
 * Kicks the loops once they run; before that (and after) a kick is a no-op. A dock due now is
 * dispatched at once (docks named meanwhile go together in one batch); a dock due later brings
 * the scheduler's timer forward.
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
    this.relayer?.kick();
  }

  private async flush(dispatcher: NonNullable<LoopWakeups['dispatcher']>): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const docks = [...this.pending];
        this.pending.clear();
        try {
          await dispatcher.dispatch(docks);
          this.relayer?.kick();
        } catch {
          // The docks stay due: the scheduler's round takes them (and logs what failed).
          this.scheduler?.kick();
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

/** The shortest wait between rounds that found nothing to do now. */
const MIN_WAIT_MS = 5;

/**
 * Starts the scheduler loop, the outbox relay and the Kafka consumers once the app (and its
 * migrated database) is up; at shutdown stops intake first, sends what the outbox holds, and
 * closes the database last.
 */
@Injectable()
export class MissionRuntime
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private schedulerLoop: PeriodicLoop | undefined;
  private relayLoop: PeriodicLoop | undefined;

  constructor(
    @Inject(KAFKA_BRIDGE) private readonly kafka: MissionKafkaBridge,
    @Inject(MISSION_SERVICE) private readonly missions: MissionService,
    @Inject(PLAN_SERVICE) private readonly plans: PlanService,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
    @Inject(WAKEUPS) private readonly wakeups: LoopWakeups,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(DOCK_ORGANIZATIONS) private readonly docks: DockOrganizations,
    @Inject(MISSION_CONFIG) private readonly config: MissionConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.connect();
    this.relayLoop = new PeriodicLoop(
      'outbox-relay',
      this.config.MISSION_RELAY_INTERVAL_MS,
      async () => {
        // Drain: a big backlog goes out batch after batch without waiting for the interval.
        while ((await this.relay.relay()) > 0) {
          /* next batch */
        }
      },
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
    await this.kafka.startConsumers({
      replies: new CommandReplyHandler(this.missions, logger),
      events: new UplinkEventHandler(this.missions, logger),
      devices: new DeviceEventHandler(this.docks, logger),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.kafka.stopConsumers();
    await this.schedulerLoop?.stop();
    await this.relayLoop?.stop();
    // What the last changes wrote to the outbox goes out now rather than at the next start.
    await this.relay.relay().catch((error: unknown) => {
      this.logger.warn(
        { err: error },
        'final outbox relay failed; records stay for the next start',
      );
    });
    await this.kafka.disconnect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dataSource.destroy().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'database pool did not close cleanly');
    });
  }
}
