import { CreateMissionSchema1732100000000 } from './migrations/1732100000000-create-mission-schema';

/** Raw SQL throughout (row locks, versioned updates): no entity classes. */
export const MISSION_ENTITIES = [];
export const MISSION_MIGRATIONS = [CreateMissionSchema1732100000000];
