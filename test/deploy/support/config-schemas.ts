import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { alertsConfigSchema } from '../../../apps/alerts/src/alerts.config';
import { fileConfigSchema } from '../../../apps/file/src/file.config';
import { gatewayConfigSchema } from '../../../apps/gateway/src/gateway.config';
import { mediaConfigSchema } from '../../../apps/media/src/media.config';
import { missionConfigSchema } from '../../../apps/mission/src/mission.config';
import { registryConfigSchema } from '../../../apps/registry/src/registry.config';
import { telemetryStartSchema } from '../../../apps/telemetry/src/telemetry-start-schema';

/** Each service's own configuration schema: what its environment must satisfy at start. */
export const CONFIG_SCHEMAS = {
  gateway: gatewayConfigSchema,
  mission: missionConfigSchema,
  // What telemetry's runService validates: its schema joined with the shared settings.
  telemetry: telemetryStartSchema,
  file: fileConfigSchema,
  registry: registryConfigSchema,
  alerts: alertsConfigSchema,
  media: mediaConfigSchema,
} as const satisfies Record<string, z.ZodTypeAny>;

export type ServiceName = keyof typeof CONFIG_SCHEMAS;

const APPS = path.resolve(__dirname, '../../../apps');

/** The apps that are services: those with a service definition (apps/<name>/src/<name>.service-definition.ts). */
export function appsWithServiceDefinition(): string[] {
  return readdirSync(APPS)
    .filter((name) => existsSync(path.join(APPS, name, 'src', `${name}.service-definition.ts`)))
    .sort();
}

/**
 * The deployed services, read from apps/: the one list every deploy artefact is checked against
 * (Kubernetes workloads, Secrets and the migration Job, docker-compose, the image's build and
 * entry point, the documented ports). A new app with a service definition fails every deploy
 * check until its config schema is above and it is deployed everywhere.
 */
export const SERVICES: ServiceName[] = appsWithServiceDefinition().map((name) => {
  if (!(name in CONFIG_SCHEMAS)) {
    throw new Error(
      `apps/${name} is a service (${name}.service-definition.ts) without a config schema in ` +
        'test/deploy/support/config-schemas.ts: add it there and deploy it (deploy/README.md)',
    );
  }
  return name as ServiceName;
});

/** The fields of the z.object(s) under refinements, transforms, pipes and intersections. */
export function shapeOf(schema: z.ZodTypeAny): Record<string, z.ZodTypeAny> {
  let current: z.ZodTypeAny = schema;
  for (;;) {
    if (current instanceof z.ZodObject) return current.shape;
    if (current instanceof z.ZodIntersection) {
      return { ...shapeOf(current._def.left), ...shapeOf(current._def.right) };
    }
    if (current instanceof z.ZodEffects) current = current.innerType();
    else if (current instanceof z.ZodPipeline) current = current._def.in;
    else if (current instanceof z.ZodBranded) current = current.unwrap();
    else if (current instanceof z.ZodReadonly) current = current._def.innerType;
    else throw new Error(`no z.object inside ${current.constructor.name}`);
  }
}

/** Every variable a service reads. */
export function variables(service: ServiceName): string[] {
  return Object.keys(shapeOf(CONFIG_SCHEMAS[service]));
}

/** A service with a PostgreSQL schema of its own (migrated by the migration Job). */
export function usesDatabase(service: ServiceName): boolean {
  return variables(service).includes('DATABASE_URL');
}

/** Variables without a default that the service cannot start without. */
export function requiredVariables(service: ServiceName): string[] {
  return Object.entries(shapeOf(CONFIG_SCHEMAS[service]))
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([name]) => name);
}

/** Parses an environment with the service's schema; the problems as "VAR: message". */
export function configProblems(service: ServiceName, env: Record<string, string>): string[] {
  const result = CONFIG_SCHEMAS[service].safeParse(env);
  return result.success
    ? []
    : result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
}

/** Realistic stand-ins for secret values an overlay does not carry (production). */
export const SECRET_SAMPLES: Record<string, string> = {
  DATABASE_URL: 'postgres://svc:secret@postgres.example.internal:5432/dock',
  REDIS_URL: 'rediss://:secret@redis.example.internal:6380',
  API_TOKENS: 'org-a:token-a-0123456789abcdef,org-b:token-b-0123456789abcdef',
  ADMIN_API_TOKENS: 'admin-token-0123456789abcdef',
  FILE_SERVICE_TOKEN: 'admin-token-0123456789abcdef',
  FILE_URL_SIGNING_KEY: 'k'.repeat(48),
  MEDIA_URL_SIGNING_KEY: 'm'.repeat(48),
  MEDIA_STORAGE_ACCESS_KEY_ID: 'AKIAEXAMPLEMEDIA',
  MEDIA_STORAGE_SECRET_ACCESS_KEY: 'secret',
  MQTT_PASSWORD: 'secret',
  S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  S3_SECRET_ACCESS_KEY: 'secret',
  DJI_APP_ID: '151234',
  DJI_APP_KEY: 'sample-app-key',
  DJI_APP_LICENSE: 'sample-app-licence',
};

/**
 * What a service needs to start even locally: settings without a default (the signing keys;
 * media's storage endpoint, since its default provider, MinIO, has no address of its own).
 */
export const REQUIRED_SETTINGS: Record<string, string> = {
  FILE_URL_SIGNING_KEY: SECRET_SAMPLES.FILE_URL_SIGNING_KEY,
  MEDIA_URL_SIGNING_KEY: SECRET_SAMPLES.MEDIA_URL_SIGNING_KEY,
  MEDIA_STORAGE_ENDPOINT: 'http://storage.example.internal:9000',
};
