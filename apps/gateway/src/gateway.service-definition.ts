import { ServiceDefinition } from '@dock/platform';
import { gatewayConfigSchema } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { gatewayReadinessChecks } from './gateway-readiness';

export const gatewayService: ServiceDefinition<typeof gatewayConfigSchema> = {
  service: 'gateway',
  schema: gatewayConfigSchema,
  checks: () => gatewayReadinessChecks(),
  module: (config, logger, checks) => GatewayModule.register(config, logger, checks),
};
