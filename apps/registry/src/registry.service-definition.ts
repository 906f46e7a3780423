import { postgresKafkaChecks, ServiceDefinition, setupOpenApi } from '@dock/platform';
import { registryConfigSchema } from './registry.config';
import { RegistryModule } from './registry.module';

export const REGISTRY_OPENAPI_INFO = {
  title: 'Registry service',
  description:
    'Organizations (DJI workspaces) and their device binding codes, the docks and aircraft ' +
    'bound to them, and the live device registry: presence, topology, model, firmware.',
  version: '1',
};

export const registryService: ServiceDefinition<typeof registryConfigSchema> = {
  service: 'registry',
  schema: registryConfigSchema,
  checks: (config) => postgresKafkaChecks('registry', config),
  module: (config, logger, checks) => RegistryModule.register(config, logger, checks),
  configure: (app) => {
    setupOpenApi(app, REGISTRY_OPENAPI_INFO);
  },
};
