// The gateway as the service runs it (Nest module, platform health and metrics): readiness
// reflects its own connections, metrics are exposed, SIGTERM-style shutdown drains and stops.
import { gatewayService } from '../../../apps/gateway/src/gateway.service-definition';
import { GATEWAY_RUNTIME } from '../../../apps/gateway/src/gateway.tokens';
import { GatewayRuntime } from '../../../apps/gateway/src/gateway-runtime';
import { RunningService, startService } from '@dock/platform';
import { gatewayConfigSchema } from '../../../apps/gateway/src/gateway.config';
import { replicaGroup, testLogger } from './support/gateway-harness';
import { eventually } from '../../support/eventually';

jest.setTimeout(60_000);

const group = replicaGroup('it-gw-svc', { GATEWAY_MQTT_CONNECTIONS: '2' });
let service: RunningService;

afterAll(async () => {
  await service?.shutdown('test done');
});

it('answers ready once its connections are up, serves metrics and shuts down cleanly', async () => {
  // The module runs on the real topic names, as in production, so it creates them the way a
  // first start on an empty cluster does (nothing else may have created them yet).
  const config = gatewayConfigSchema.parse({
    ...group.env,
    GATEWAY_CREATE_TOPICS: 'true',
    GATEWAY_INSTANCE_ID: `${group.run}-svc`,
    HTTP_PORT: '0',
    KAFKA_CONSUMER_START: 'latest',
  });
  const checks = gatewayService.checks(config);
  service = await startService({
    module: gatewayService.module(config, testLogger, checks),
    logger: testLogger,
    httpPort: 0,
    httpHost: '127.0.0.1',
    shutdownTimeoutMs: 5_000,
  });
  const base = `http://127.0.0.1:${service.port}`;
  const ready = await eventually(async () => {
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(200);
    return (await response.json()) as { checks: { name: string }[] };
  });
  expect(ready.checks.map((c) => c.name).sort()).toEqual([
    'consumers-gateway',
    'kafka',
    'mqtt',
    'redis',
  ]);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  expect(metrics).toContain('gateway_mqtt_connections_up');
  expect(metrics).toContain('gateway_uplink_unacknowledged');
  expect(service.app.get<GatewayRuntime>(GATEWAY_RUNTIME).instanceId).toBe(`${group.run}-svc`);
  await service.shutdown('test');
});
