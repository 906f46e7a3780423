import { randomUUID } from 'node:crypto';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import {
  apiAuthProviders,
  apiAuthSettings,
  DependencyCheck,
  Logger,
  outboxRelayProvider,
  PlatformModule,
  postgresDataSourceProvider,
  serviceBridgeProvider,
  serviceBusProvider,
  serviceRuntimeProviders,
} from '@dock/platform';
import type { MessageBus } from '@dock/kafka';
import { HttpWaylineUrlProvider } from './adapters/http/http-wayline-url-provider';
import { MISSION_TOPICS, MissionTopics } from './adapters/kafka/mission-topics';
import { MISSION_ENTITIES, MISSION_MIGRATIONS } from './adapters/postgres/mission-schema';
import { PgDockOrganizations } from './adapters/postgres/pg-dock-organizations';
import { PgMissionStore } from './adapters/postgres/pg-mission-store';
import { MissionService } from './application/mission-service';
import { PlanService } from './application/plan-service';
import {
  DockOrganizations,
  MissionStore,
  VersionConflictError,
  WaylineUrlProvider,
} from './application/ports';
import { DependencyError } from './application/errors';
import { Scheduler } from './application/scheduler';
import { Clock, systemClock } from './domain/clock';
import { CommandsController } from './http/commands.controller';
import { DocksController } from './http/docks.controller';
import { MissionErrorsFilter } from './http/mission-errors.filter';
import { PlansController } from './http/plans.controller';
import { TasksController } from './http/tasks.controller';
import { MissionConfig, timingSettings } from './mission.config';
import { LoopWakeups, MissionRuntime, MissionRuntimeParts } from './mission-runtime';
import {
  CLOCK,
  DATA_SOURCE,
  DOCK_ORGANIZATIONS,
  KAFKA_BRIDGE,
  MISSION_CONFIG,
  MISSION_RUNTIME,
  MISSION_SERVICE,
  MISSION_STORE,
  OUTBOX_RELAY,
  PLAN_SERVICE,
  SCHEDULER,
  WAKEUPS,
} from './mission.tokens';

/** What tests change without going through the environment. */
export interface MissionModuleOptions {
  /** Topics of the test's own, so runs never see each other's records. */
  topics?: MissionTopics;
  /** A clock the test moves. */
  clock?: Clock;
  /** Stands in for the file service. */
  waylines?: WaylineUrlProvider;
  /** The message bus (the embedded mode's in-process bus); default: Kafka at KAFKA_BROKERS. */
  bus?: MessageBus;
  /** false: the host app provides PlatformModule for several services (embedded mode). */
  platform?: boolean;
  /** The database pool's size (the embedded PostgreSQL wants few connections). */
  databasePoolSize?: number;
}

/** createPostgresDataSource's pool size when none is given. */
const DEFAULT_POOL_SIZE = 10;
const BUS = Symbol('BUS');
const WAYLINES = Symbol('WAYLINES');

/**
 * The mission service: wayline task state, scheduling and commands. A thin shell: the rules
 * live in ./domain, the use cases in ./application, the I/O in ./adapters.
 */
@Module({})
export class MissionModule {
  static register(
    config: MissionConfig,
    logger: Logger,
    checks: DependencyCheck[],
    options: MissionModuleOptions = {},
  ): DynamicModule {
    const topics = options.topics ?? MISSION_TOPICS;
    const clock = options.clock ?? systemClock;
    const timing = timingSettings(config);
    const service = config.SERVICE_NAME ?? 'mission';
    return {
      module: MissionModule,
      imports: PlatformModule.forService({ service: 'mission', logger, checks }, options.platform),
      controllers: [TasksController, DocksController, CommandsController, PlansController],
      providers: [
        ...apiAuthProviders(apiAuthSettings(config), logger),
        { provide: APP_FILTER, useClass: MissionErrorsFilter },
        { provide: MISSION_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        { provide: WAKEUPS, useValue: new LoopWakeups() },
        postgresDataSourceProvider(DATA_SOURCE, {
          service: 'mission',
          config,
          entities: MISSION_ENTITIES,
          migrations: MISSION_MIGRATIONS,
          logger,
          poolSize: options.databasePoolSize,
        }),
        {
          provide: MISSION_STORE,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) =>
            new PgMissionStore(dataSource, {
              topics: { commands: topics.commands, taskEvents: topics.taskEvents },
              commandTimeoutMs: config.MISSION_COMMAND_TIMEOUT_MS,
              requester: service,
            }),
        },
        {
          provide: WAYLINES,
          useValue:
            options.waylines ??
            new HttpWaylineUrlProvider({
              baseUrl: config.FILE_SERVICE_URL,
              token: config.FILE_SERVICE_TOKEN,
              timeoutMs: config.FILE_SERVICE_TIMEOUT_MS,
            }),
        },
        {
          provide: DOCK_ORGANIZATIONS,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new PgDockOrganizations(dataSource),
        },
        {
          provide: MISSION_SERVICE,
          inject: [MISSION_STORE, WAYLINES, WAKEUPS, DOCK_ORGANIZATIONS],
          useFactory: (
            store: MissionStore,
            waylines: WaylineUrlProvider,
            wakeups: LoopWakeups,
            docks: DockOrganizations,
          ) =>
            new MissionService(store, clock, waylines, timing, randomUUID, wakeups, logger, docks),
        },
        {
          provide: PLAN_SERVICE,
          inject: [MISSION_STORE, WAKEUPS, DOCK_ORGANIZATIONS],
          useFactory: (store: MissionStore, wakeups: LoopWakeups, docks: DockOrganizations) =>
            new PlanService(
              store,
              clock,
              timing,
              { horizonMs: config.MISSION_PLAN_HORIZON_MS, batch: config.MISSION_PLAN_BATCH },
              randomUUID,
              wakeups,
              logger,
              docks,
            ),
        },
        {
          provide: SCHEDULER,
          inject: [MISSION_STORE, WAYLINES],
          useFactory: (store: MissionStore, waylines: WaylineUrlProvider) =>
            new Scheduler(
              store,
              clock,
              waylines,
              {
                timing,
                docksPerRound: config.MISSION_DOCKS_PER_ROUND,
                // Leave connections for the API and the consumers (the embedded pool is small).
                concurrency: Math.min(
                  config.MISSION_SCHEDULER_CONCURRENCY,
                  Math.max(1, (options.databasePoolSize ?? DEFAULT_POOL_SIZE) - 2),
                ),
              },
              randomUUID,
              logger.child({ component: 'scheduler' }),
            ),
        },
        serviceBusProvider(BUS, {
          service: 'mission',
          config,
          logger,
          bus: options.bus,
          clientId: service,
          // A concurrent write or a dependency away: trying again later succeeds.
          classify: (error) =>
            error instanceof VersionConflictError || error instanceof DependencyError
              ? 'transient'
              : undefined,
        }),
        serviceBridgeProvider(KAFKA_BRIDGE, BUS, { topics: Object.values(topics), logger }),
        outboxRelayProvider(
          OUTBOX_RELAY,
          { dataSource: DATA_SOURCE, bridge: KAFKA_BRIDGE },
          { service: 'mission', headers: true },
        ),
        ...serviceRuntimeProviders(
          MISSION_RUNTIME,
          {
            kafka: KAFKA_BRIDGE,
            missions: MISSION_SERVICE,
            plans: PLAN_SERVICE,
            scheduler: SCHEDULER,
            relay: OUTBOX_RELAY,
            wakeups: WAKEUPS,
            dataSource: DATA_SOURCE,
            docks: DOCK_ORGANIZATIONS,
          },
          (parts: MissionRuntimeParts) =>
            new MissionRuntime(parts, {
              config,
              topics,
              logger,
              poolSize: options.databasePoolSize ?? DEFAULT_POOL_SIZE,
            }),
        ),
      ],
    };
  }
}
