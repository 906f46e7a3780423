// A gateway replica as its own process, for the crash test: the real runtime with this run's
// topics. Run with `node -r @swc-node/register`; settings come from the environment
// (gateway.config.ts) plus GATEWAY_TEST_TOPICS (JSON of GatewayTopics).
import 'reflect-metadata';
import { Registry } from 'prom-client';
import { createLogger, loadConfig } from '@dock/platform';
import { gatewayConfigSchema } from '../../../../apps/gateway/src/gateway.config';
import { GatewayRuntime } from '../../../../apps/gateway/src/gateway-runtime';
import { createGatewayParts } from '../../../../apps/gateway/src/gateway-parts';
import type { GatewayTopics } from '../../../../apps/gateway/src/domain/shared/gateway-topics';

async function main(): Promise<void> {
  const config = loadConfig(gatewayConfigSchema);
  const topics = JSON.parse(process.env.GATEWAY_TEST_TOPICS ?? '') as GatewayTopics;
  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  const runtime = new GatewayRuntime(
    createGatewayParts({ config, logger, registry: new Registry(), topics }),
  );
  await runtime.start();
  process.stdout.write('READY\n');
  process.once('SIGTERM', () => void runtime.stop().then(() => process.exit(0)));
}

void main();
