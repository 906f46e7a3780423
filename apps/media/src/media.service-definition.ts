import { postgresKafkaChecks, ServiceDefinition, setupOpenApi } from '@dock/platform';
import { mediaConfigSchema } from './media.config';
import { MediaModule } from './media.module';

export const MEDIA_OPENAPI_INFO = {
  title: 'Media service',
  description:
    'Photos and videos of wayline flights: docks upload them straight to S3-compatible storage ' +
    'with short-lived credentials scoped to their organization and flights (storage_config_get); ' +
    'each reported file (file_upload_callback) is recorded once per flight and dock, each flight ' +
    'shows expected against received (complete, pending, incomplete), files download through ' +
    "signed, expiring URLs (Range supported), and a flight's upload can be moved to the front.",
  version: '1',
};

export const mediaService: ServiceDefinition<typeof mediaConfigSchema> = {
  service: 'media',
  schema: mediaConfigSchema,
  checks: (config) => postgresKafkaChecks('media', config),
  module: (config, logger, checks) => MediaModule.register(config, logger, checks),
  configure: (app) => {
    setupOpenApi(app, MEDIA_OPENAPI_INFO);
  },
};
