import { CreateRegistrySchema1764800000000 } from './migrations/1764800000000-create-registry-schema';

/** Raw SQL throughout (row locks, SKIP LOCKED): no entity classes. */
export const REGISTRY_ENTITIES = [];
export const REGISTRY_MIGRATIONS = [CreateRegistrySchema1764800000000];
