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
import type { MissionKafkaBridge } from './adapters/kafka/mission-kafka-bridge';
import { UplinkEventHandler } from './adapters/kafka/uplink-event-handler';
import type { MissionService, Wakeups } from './application/mission-service';
import type { PlanService } from './application/plan-service';
import type { OutboxRelay } from './application/ports';
import type { Scheduler } from './application/scheduler';
import type { MissionConfig } from './mission.config';
import {
  DATA_SOURCE,
  KAFKA_BRIDGE,
  MISSION_CONFIG,
  MISSION_SERVICE,
  OUTBOX_RELAY,
  PLAN_SERVICE,
  SCHEDULER,
  WAKEUPS,
} from './mission.tokens';

/** Kicks the loops once they run; before that (and after) a kick is a no-op. */
export class LoopWakeups implements Wakeups {
  scheduler: PeriodicLoop | undefined;
  relayer: PeriodicLoop | undefined;

  schedule(): void {
    this.scheduler?.kick();
  }

  relay(): void {
    this.relayer?.kick();
  }
}

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
        // The round spent its budget doing work, so more may be due: go again at once instead
        // of after the interval (when many tasks fall due together, the wait is pure lateness).
        // A round that only met busy docks waits, or it would spin on them.
        if (round.docks >= this.config.MISSION_DOCKS_PER_ROUND && round.actions > 0) {
          this.schedulerLoop?.kick();
        }
      },
      this.logger,
    );
    this.wakeups.scheduler = this.schedulerLoop;
    this.wakeups.relayer = this.relayLoop;
    this.relayLoop.start();
    this.schedulerLoop.start();
    const logger = this.logger.child({ component: 'kafka' });
    await this.kafka.startConsumers({
      replies: new CommandReplyHandler(this.missions, logger),
      events: new UplinkEventHandler(this.missions, logger),
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
