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
import { createMissionUseCases, MissionUseCases } from './application/mission-use-cases';
import {
  DockOrganizations,
  MissionStore,
  VersionConflictError,
  WaylineUrlProvider,
} from './application/ports';
import { DependencyError } from './application/errors';
import { Clock, systemClock } from './domain/clock';
import { CommandsController } from './http/commands.controller';
import { DocksController } from './http/docks.controller';
import { MissionErrorsFilter } from './http/mission-errors.filter';
import { PlansController } from './http/plans.controller';
import { TasksController } from './http/tasks.controller';
import { MissionConfig, missionUseCaseSettings } from './mission.config';
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

const BUS = Symbol('BUS');
const WAYLINES = Symbol('WAYLINES');
const USE_CASES = Symbol('USE_CASES');

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
    const settings = missionUseCaseSettings(config, { databasePoolSize: options.databasePoolSize });
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
              commandTimeoutMs: settings.commandTimeoutMs,
              requester: settings.requester,
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
          provide: USE_CASES,
          inject: [MISSION_STORE, WAYLINES, WAKEUPS, DOCK_ORGANIZATIONS],
          useFactory: (
            store: MissionStore,
            waylines: WaylineUrlProvider,
            wakeups: LoopWakeups,
            docks: DockOrganizations,
          ) => createMissionUseCases({ store, docks, waylines, wakeups, clock, logger }, settings),
        },
        {
          provide: MISSION_SERVICE,
          inject: [USE_CASES],
          useFactory: (u: MissionUseCases) => u.missions,
        },
        { provide: PLAN_SERVICE, inject: [USE_CASES], useFactory: (u: MissionUseCases) => u.plans },
        {
          provide: SCHEDULER,
          inject: [USE_CASES],
          useFactory: (u: MissionUseCases) => u.scheduler,
        },
        serviceBusProvider(BUS, {
          service: 'mission',
          config,
          logger,
          bus: options.bus,
          clientId: settings.requester,
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
              databasePoolSize: options.databasePoolSize,
            }),
        ),
      ],
    };
  }
}
