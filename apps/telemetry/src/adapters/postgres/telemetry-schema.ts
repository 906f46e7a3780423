import { CreateTelemetrySchema1732100000000 } from './migrations/1732100000000-create-telemetry-schema';
import { FlagProgressFromOtherDock1733300000000 } from './migrations/1733300000000-flag-progress-from-other-dock';
import { OrganizationScope1764860000000 } from './migrations/1764860000000-organization-scope';
import { DockPosition1764950000000 } from './migrations/1764950000000-dock-position';

/** Migrations of the telemetry schema, in order. Plain SQL: there are no TypeORM entities. */
export const TELEMETRY_MIGRATIONS = [
  CreateTelemetrySchema1732100000000,
  FlagProgressFromOtherDock1733300000000,
  OrganizationScope1764860000000,
  DockPosition1764950000000,
];

/** Raw history tables and the latest-state tables retention also trims (by received_at). */
export const RETAINED_TABLES = [
  'progress_reports',
  'rth_paths',
  'exit_homing_notices',
  'ready_notices',
  'flight_latest',
  'rth_latest',
] as const;
