import { ServiceDefinition } from '@dock/platform';
import { LateBoundCheck } from './adapters/health/late-bound-check';
import { gatewayConfigSchema } from './gateway.config';
import { GatewayModule } from './gateway.module';

export const gatewayService: ServiceDefinition<typeof gatewayConfigSchema> = {
  service: 'gateway',
  schema: gatewayConfigSchema,
  // Readiness reflects the gateway's own connections (the subscriber pool, the producer, its
  // Redis client), bound once they exist, rather than separate probe connections.
  checks: () => [
    new LateBoundCheck('mqtt'),
    new LateBoundCheck('kafka'),
    new LateBoundCheck('redis'),
  ],
  module: (config, logger, checks) => GatewayModule.register(config, logger, checks),
};
