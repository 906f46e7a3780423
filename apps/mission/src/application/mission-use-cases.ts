import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock';
import type { GenerationSettings } from '../domain/plan';
import type { TimingSettings } from '../domain/task-timing';
import { MissionService, Wakeups } from './mission-service';
import { PlanService } from './plan-service';
import type { DockOrganizations, MissionStore, WaylineUrlProvider } from './ports';
import { Scheduler, SchedulerSettings } from './scheduler';

/** The settings of the mission's use cases and store (see missionUseCaseSettings). */
export interface MissionUseCaseSettings {
  timing: TimingSettings;
  generation: GenerationSettings;
  scheduler: SchedulerSettings;
  /** CommandRecord.timeoutMs of the commands the store writes. */
  commandTimeoutMs: number;
  /** CommandRecord.requester: this service's name. */
  requester: string;
}

/** The ports the use cases drive, and what they are told with. */
export interface MissionUseCaseParts {
  store: MissionStore;
  docks: DockOrganizations;
  waylines: WaylineUrlProvider;
  wakeups: Wakeups;
  clock: Clock;
  logger: Logger;
  /** Default: random UUIDs. */
  newId?: () => string;
}

export interface MissionUseCases {
  missions: MissionService;
  plans: PlanService;
  scheduler: Scheduler;
}

/**
 * The mission's use cases, built one way for the Nest module and for the use-case tests
 * (PGlite and the in-process bus, no Nest), so both run the same services on the same settings.
 */
export function createMissionUseCases(
  parts: MissionUseCaseParts,
  settings: MissionUseCaseSettings,
): MissionUseCases {
  const { store, docks, waylines, wakeups, clock, logger } = parts;
  const newId = parts.newId ?? randomUUID;
  const { timing } = settings;
  return {
    missions: new MissionService({
      store,
      clock,
      waylines,
      timing,
      newId,
      wakeups,
      logger,
      docks,
    }),
    plans: new PlanService({
      store,
      clock,
      timing,
      generation: settings.generation,
      newId,
      wakeups,
      logger,
      docks,
    }),
    scheduler: new Scheduler({
      store,
      clock,
      waylines,
      settings: settings.scheduler,
      newId,
      logger: logger.child({ component: 'scheduler' }),
    }),
  };
}
