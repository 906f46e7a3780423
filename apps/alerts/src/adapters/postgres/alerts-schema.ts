import { CreateAlertsSchema1764800000000 } from './migrations/1764800000000-create-alerts-schema';

/** Raw SQL throughout (row locks, ON CONFLICT, SKIP LOCKED): no entity classes. */
export const ALERTS_ENTITIES = [];
export const ALERTS_MIGRATIONS = [CreateAlertsSchema1764800000000];
