import { CreateRegistrySchema1764800000000 } from './migrations/1764800000000-create-registry-schema';
import { CreateMqttCredentials1764960000000 } from './migrations/1764960000000-create-mqtt-credentials';

/** Raw SQL throughout (row locks, SKIP LOCKED): no entity classes. */
export const REGISTRY_ENTITIES = [];
export const REGISTRY_MIGRATIONS = [
  CreateRegistrySchema1764800000000,
  CreateMqttCredentials1764960000000,
];
