import { InFlightWork, loadConfig } from '@dock/platform';
import { GATEWAY_TOPICS } from './domain/shared/gateway-topics';
import { StoppingError } from './domain/shared/retry';
import { gatewayConfigSchema } from './gateway.config';
import type { GatewayParts } from './gateway-parts';
import { StoppingFlag } from './gateway-parts';
import { GatewayRuntime } from './gateway-runtime';

/** Parts that record what the runtime does with them, in order (no connections). */
function recordingParts(options: { redis: boolean }) {
  const calls: string[] = [];
  const record = (name: string) => async (): Promise<void> => {
    calls.push(name);
  };
  let handler: ((delivery: unknown) => Promise<void>) | undefined;
  const stopping = new StoppingFlag();
  const silent = { info: () => undefined, warn: () => undefined };
  const parts = {
    config: loadConfig(gatewayConfigSchema, { GATEWAY_INSTANCE_ID: 'unit-1' }),
    logger: silent,
    topics: GATEWAY_TOPICS,
    stopping,
    work: new InFlightWork(),
    mqttTls: undefined,
    metrics: {},
    busKind: 'kafka',
    kafka: {
      connect: record('kafka.connect'),
      startConsumers: record('kafka.startConsumers'),
      consumersJoined: record('kafka.consumersJoined'),
      stopConsumers: async () => {
        calls.push(`kafka.stopConsumers (stopping: ${stopping.isRaised()})`);
      },
      disconnect: record('kafka.disconnect'),
    },
    producer: { connected: true },
    redis: options.redis
      ? {
          connect: record('redis.connect'),
          disconnect: () => void calls.push('redis.disconnect'),
          ping: async () => 'PONG',
        }
      : undefined,
    intake: {
      connected: 2,
      size: 2,
      unacknowledged: 0,
      start: async (h: (delivery: unknown) => Promise<void>) => {
        handler = h;
        calls.push('intake.start');
      },
      stop: record('intake.stop'),
    },
    publisher: {
      connected: true,
      connect: record('publisher.connect'),
      close: record('publisher.close'),
    },
    processor: { handle: record('processor.handle') },
    dispatcher: {},
    answerer: {},
    sweeper: { sweep: async () => 0 },
  } as unknown as GatewayParts;
  return { parts, calls, deliver: (delivery: unknown) => handler!(delivery) };
}

describe('GatewayRuntime over the parts it is given', () => {
  it('connects Redis, the bridge and the publisher before the intake, then the consumers', async () => {
    const { parts, calls } = recordingParts({ redis: true });
    const runtime = new GatewayRuntime(parts);
    await runtime.start();
    expect(calls).toEqual([
      'redis.connect',
      'kafka.connect',
      'publisher.connect',
      'intake.start',
      'kafka.startConsumers',
    ]);
    expect(runtime.instanceId).toBe('unit-1');
    await runtime.stop();
  });

  it('drains intake first, then the consumers (the flag raised), then the producer; stop closes last', async () => {
    const { parts, calls } = recordingParts({ redis: true });
    const runtime = new GatewayRuntime(parts);
    await runtime.start();
    calls.length = 0;
    await Promise.all([runtime.stop(), runtime.stop()]);
    expect(calls).toEqual([
      'intake.stop',
      'kafka.stopConsumers (stopping: true)',
      'kafka.disconnect',
      'publisher.close',
      'redis.disconnect',
    ]);
  });

  it('refuses a dock message once draining, so it stays unacknowledged', async () => {
    const { parts, deliver } = recordingParts({ redis: false });
    const runtime = new GatewayRuntime(parts);
    await runtime.start();
    await expect(deliver({})).resolves.toBeUndefined();
    await runtime.drain();
    await expect(deliver({})).rejects.toBeInstanceOf(StoppingError);
    await runtime.stop();
  });

  it('binds mqtt, kafka and redis readiness only when Redis is used', async () => {
    const withRedis = new GatewayRuntime(recordingParts({ redis: true }).parts);
    const withoutRedis = new GatewayRuntime(recordingParts({ redis: false }).parts);
    expect(withRedis.readinessChecks().map((c) => c.name)).toEqual(['mqtt', 'kafka', 'redis']);
    expect(withoutRedis.readinessChecks().map((c) => c.name)).toEqual(['mqtt', 'kafka']);
    await Promise.all(withRedis.readinessChecks().map((c) => c.check()));
  });
});
