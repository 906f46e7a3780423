import { postgresKafkaChecks, ServiceDefinition, setupOpenApi } from '@dock/platform';
import { createBlobStorage } from './adapters/storage/create-blob-storage';
import { fileConfigSchema } from './file.config';
import { FileModule } from './file.module';

export const FILE_OPENAPI_INFO = {
  title: 'File service',
  description:
    'Wayline KMZ library: uploads with validation and MD5 fingerprints, expiring signed ' +
    'download URLs for docks, and the flight -> wayline record behind flighttask_resource_get.',
  version: '1',
};

export const fileService: ServiceDefinition<typeof fileConfigSchema> = {
  service: 'file',
  schema: fileConfigSchema,
  checks: (config) => {
    const storage = createBlobStorage(config);
    return [
      ...postgresKafkaChecks('file', config),
      { name: 'storage', check: () => storage.check() },
    ];
  },
  module: (config, logger, checks) => FileModule.register(config, logger, checks),
  configure: (app) => {
    setupOpenApi(app, FILE_OPENAPI_INFO);
  },
};
