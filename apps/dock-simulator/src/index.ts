/**
 * The dock simulator as a library, for end-to-end tests that drive docks in-process:
 *
 *   const fleet = await startFleet({ docks: 3, snPrefix: 'E2E', mqtt: { url } });
 *   fleet.dock('E2E0001')?.snapshot().tasks  // tasks by state, replies missing, inbox...
 *   const report = await fleet.stop();
 */
export { createFleet, dockSerial, startFleet } from './fleet/fleet';
export type { ConnectSummary, Fleet, FleetOptions, FleetProgress } from './fleet/fleet';
export { createSimulatedDock } from './fleet/simulated-dock';
export type {
  DockLogger,
  MqttSettings,
  PublishObserver,
  SimulatedDock,
  SimulatedDockOptions,
} from './fleet/simulated-dock';
export { behaviourWith, DEFAULT_BEHAVIOUR } from './domain/behaviour';
export type {
  DockBehaviour,
  ExitHomingTrigger,
  OfflineScript,
  ReplyOverride,
} from './domain/behaviour';
export type { DockPhase, DockSnapshot, InboxEntry } from './domain/dock-machine';
export type { Outbound } from './domain/outbound';
export type { TaskState, TaskView } from './domain/task-book';
export { RESULT } from './domain/result-codes';
export { buildFleetReport } from './report/fleet-report';
export type { FleetReport, LatencySummary } from './report/fleet-report';
export { formatReport } from './report/format-report';
export type { KmzDownloader, DownloadOutcome } from './adapters/kmz-downloader';
