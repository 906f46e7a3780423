import type { INestApplication } from '@nestjs/common';
import { kafkaCheck, postgresCheck, ServiceDefinition, setupOpenApi } from '@dock/platform';
import { telemetryConfigSchema } from './telemetry.config';
import { TelemetryModule } from './telemetry.module';

export const TELEMETRY_OPENAPI_INFO = {
  title: 'Telemetry API',
  description:
    'Progress timelines, fleet state, return-to-home trajectories (GeoJSON), exit-RTH notices ' +
    'and a live stream of DJI dock missions. Every route needs `Authorization: Bearer <token>` ' +
    '(API_TOKENS) except /health/* and /metrics.',
  version: '1',
};

/** Serves the OpenAPI description at /docs (UI) and /docs/openapi.json. */
export function configureTelemetryApp(app: INestApplication): void {
  setupOpenApi(app, TELEMETRY_OPENAPI_INFO);
}

export const telemetryService: ServiceDefinition<typeof telemetryConfigSchema> = {
  service: 'telemetry',
  schema: telemetryConfigSchema,
  checks: (config) => [
    postgresCheck(config.DATABASE_URL),
    kafkaCheck(config.KAFKA_BROKERS, 'telemetry'),
  ],
  module: (config, logger, checks) => TelemetryModule.register(config, logger, checks),
  configure: (app) => configureTelemetryApp(app),
};
