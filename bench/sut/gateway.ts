/**
 * The gateway under test: the real GatewayRuntime over the parts createGatewayParts builds (the
 * composition apps/gateway's Nest module calls) in a process of its own, configured from the environment exactly as the app
 * (gatewayConfigSchema), with one difference: the bench's per-run Kafka topics.
 */
import 'reflect-metadata';
import { Registry } from 'prom-client';
import { createLogger, loadConfig } from '@dock/platform';
import { gatewayConfigSchema } from '../../apps/gateway/src/gateway.config';
import { GatewayRuntime } from '../../apps/gateway/src/gateway-runtime';
import { createGatewayParts } from '../../apps/gateway/src/gateway-parts';
import { childArgs, onStop, report, runChild } from '../lib/child';
import type { BenchTopics } from '../lib/kafka';

interface Args {
  topics: BenchTopics;
}

async function main(): Promise<void> {
  const { topics } = childArgs<Args>();
  const config = loadConfig(gatewayConfigSchema, process.env);
  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  const registry = new Registry();
  const runtime = new GatewayRuntime(createGatewayParts({ config, logger, registry, topics }));
  await runtime.start();
  await runtime.consumersJoined();
  onStop(() => runtime.stop());
  process.on('message', (raw) => {
    const message = raw as { type: string };
    if (message.type !== 'metrics') return;
    void registry.getMetricsAsJSON().then(async (metrics) => {
      const batch = metrics.find((m) => m.name === 'gateway_kafka_batch_records');
      const write = metrics.find((m) => m.name === 'gateway_kafka_write_seconds');
      await report({ type: 'metrics', batch: batch ?? null, write: write ?? null });
    });
  });
  await report({ type: 'ready' });
}

runChild('gateway', main);
