import { CreateAlertsSchema1764800000000 } from './migrations/1764800000000-create-alerts-schema';
import { CreateDockOrganizations1764900000000 } from './migrations/1764900000000-create-dock-organizations';

/** Raw SQL throughout (row locks, ON CONFLICT, SKIP LOCKED): no entity classes. */
export const ALERTS_ENTITIES = [];
export const ALERTS_MIGRATIONS = [
  CreateAlertsSchema1764800000000,
  CreateDockOrganizations1764900000000,
];
