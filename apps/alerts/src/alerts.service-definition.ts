import { postgresKafkaChecks, ServiceDefinition, setupOpenApi } from '@dock/platform';
import { alertsConfigSchema } from './alerts.config';
import { AlertsModule } from './alerts.module';

export const ALERTS_OPENAPI_INFO = {
  title: 'Alerts service',
  description:
    'HMS (health) alerts of docks and aircraft, active and past, per organization, dock and ' +
    'flight; and signed webhooks (HMAC-SHA256) delivering task, flight, HMS, device and media ' +
    'events to systems outside Kafka, with retries, a dead-letter list and a delivery log.',
  version: '1',
};

export const alertsService: ServiceDefinition<typeof alertsConfigSchema> = {
  service: 'alerts',
  schema: alertsConfigSchema,
  checks: (config) => postgresKafkaChecks('alerts', config),
  module: (config, logger, checks) => AlertsModule.register(config, logger, checks),
  configure: (app) => {
    setupOpenApi(app, ALERTS_OPENAPI_INFO);
  },
};
