import type { INestApplication } from '@nestjs/common';
import { postgresKafkaChecks, ServiceDefinition, setupOpenApi } from '@dock/platform';
import { withStreamTicketScheme } from './adapters/http/openapi-schemas';
import { telemetryStartSchema } from './telemetry-start-schema';
import { TelemetryModule } from './telemetry.module';

export const TELEMETRY_OPENAPI_INFO = {
  title: 'Telemetry API',
  description:
    'Progress timelines, fleet state, return-to-home trajectories (GeoJSON), exit-RTH notices ' +
    'and a live stream of DJI dock missions. Every route needs `Authorization: Bearer <token>` ' +
    '(API_TOKENS) except /health/* and /metrics; the live stream (GET /stream) also accepts a ' +
    'short-lived `?ticket=` from POST /stream/tickets, for browsers (EventSource cannot set ' +
    'headers).',
  version: '1',
};

/**
 * Serves the OpenAPI description at /docs (UI) and /docs/openapi.json, with the live stream's
 * ticket scheme declared next to the bearer one.
 */
export function configureTelemetryApp(app: INestApplication): void {
  setupOpenApi(app, TELEMETRY_OPENAPI_INFO, withStreamTicketScheme);
}

export const telemetryService: ServiceDefinition<typeof telemetryStartSchema> = {
  service: 'telemetry',
  schema: telemetryStartSchema,
  checks: (config) => postgresKafkaChecks('telemetry', config),
  module: (config, logger, checks) => TelemetryModule.register(config, logger, checks),
  configure: (app) => configureTelemetryApp(app),
};
