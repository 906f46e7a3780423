import { CreateMissionSchema1732100000000 } from './migrations/1732100000000-create-mission-schema';
import { IndexInFlightTasks1746352800000 } from './migrations/1746352800000-index-in-flight-tasks';
import { OrganizationScope1764860000000 } from './migrations/1764860000000-organization-scope';
import { DockDueQueue1765000000000 } from './migrations/1765000000000-dock-due-queue';
import { DockOrganizations1765000000001 } from './migrations/1765000000001-dock-organizations';
import { PlanSuspension1765000000002 } from './migrations/1765000000002-plan-suspension';

/** Raw SQL throughout (row locks, versioned updates): no entity classes. */
export const MISSION_ENTITIES = [];
export const MISSION_MIGRATIONS = [
  CreateMissionSchema1732100000000,
  IndexInFlightTasks1746352800000,
  OrganizationScope1764860000000,
  DockDueQueue1765000000000,
  DockOrganizations1765000000001,
  PlanSuspension1765000000002,
];
