import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import pino from 'pino';
import {
  kafkaCheck,
  mqttCheck,
  PlatformModule,
  postgresCheck,
  redisCheck,
  RunningService,
  SERVICE_LIFECYCLE,
  ServiceLifecycle,
  startService,
} from '@dock/platform';
import { eventually } from '../../../test/support/eventually';
import { infraSettings } from '../../../test/support/infra-settings';

/** A route whose work takes as long as the test says, to prove shutdown drains it. */
let releaseSlowWork: () => void = () => undefined;
@Controller('slow')
class SlowController {
  constructor(@Inject(SERVICE_LIFECYCLE) private readonly lifecycle: ServiceLifecycle) {}
  @Get()
  async slow() {
    return this.lifecycle.work.track(
      () => new Promise<string>((resolve) => (releaseSlowWork = () => resolve('finished'))),
    );
  }
}

async function start(
  checks: Parameters<typeof PlatformModule.forRoot>[0]['checks'],
  metricsPort?: number,
) {
  @Module({
    imports: [
      PlatformModule.forRoot({ service: 'test', logger: pino({ level: 'silent' }), checks }),
    ],
    controllers: [SlowController],
  })
  class TestModule {}
  return startService({
    module: TestModule,
    logger: pino({ level: 'silent' }),
    httpPort: 0,
    httpHost: '127.0.0.1',
    shutdownTimeoutMs: 5_000,
    metricsPort,
  });
}

describe('platform baseline against real dependencies', () => {
  let service: RunningService | undefined;
  afterEach(async () => {
    await service?.shutdown('test over');
    service = undefined;
  });

  it('is ready when PostgreSQL, Redis, Kafka and MQTT all answer', async () => {
    service = await start([
      postgresCheck(infraSettings.databaseUrl),
      redisCheck(infraSettings.redisUrl),
      kafkaCheck(infraSettings.kafkaBrokers, 'platform-test'),
      mqttCheck(infraSettings.mqttUrl, 'platform-test'),
    ]);
    const base = `http://127.0.0.1:${service.port}`;
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    const body = await eventually(async () => {
      const ready = await fetch(`${base}/health/ready`);
      const json = (await ready.json()) as { checks: { name: string; ok: boolean }[] };
      expect(ready.status).toBe(200);
      return json;
    });
    expect(body.checks.map((c) => c.name).sort()).toEqual(['kafka', 'mqtt', 'postgres', 'redis']);
    expect(body.checks.every((c) => c.ok)).toBe(true);
  });

  it('answers 503 naming the dependency that does not answer', async () => {
    service = await start([
      redisCheck(infraSettings.redisUrl),
      postgresCheck('postgres://postgres@127.0.0.1:1/nowhere'),
    ]);
    const ready = await fetch(`http://127.0.0.1:${service.port}/health/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as {
      checks: { name: string; ok: boolean; error?: string }[];
    };
    expect(body.checks.find((c) => c.name === 'postgres')).toMatchObject({ ok: false });
    expect(body.checks.find((c) => c.name === 'redis')).toMatchObject({ ok: true });
  });

  it('serves Prometheus metrics labelled with the service', async () => {
    service = await start([]);
    const response = await fetch(`http://127.0.0.1:${service.port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toMatch(/process_cpu_user_seconds_total\{service="test"\}/);
  });

  it('sends no X-Powered-By, and serves /metrics only on METRICS_PORT when set', async () => {
    service = await start([], 0);
    const api = await fetch(`http://127.0.0.1:${service.port}/health/live`);
    expect(api.status).toBe(200);
    expect(api.headers.get('x-powered-by')).toBeNull();
    expect((await fetch(`http://127.0.0.1:${service.port}/metrics`)).status).toBe(404);
    expect(service.metricsPort).toBeGreaterThan(0);
    expect(service.metricsPort).not.toBe(service.port);
    const metrics = await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('process_cpu_seconds_total');
    expect((await fetch(`http://127.0.0.1:${service.metricsPort}/health/live`)).status).toBe(404);
    const metricsPort = service.metricsPort;
    await service.shutdown('test over');
    service = undefined;
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });

  it('on shutdown turns unready, finishes in-flight work, then stops', async () => {
    const running = await start([]);
    service = running;
    const base = `http://127.0.0.1:${running.port}`;
    const inFlight = fetch(`${base}/slow`).then((r) => r.text());
    const lifecycle = running.app.get<ServiceLifecycle>(SERVICE_LIFECYCLE);
    await eventually(() => expect(lifecycle.work.count).toBe(1));

    const stopped = running.shutdown('SIGTERM');
    await eventually(async () => expect((await fetch(`${base}/health/ready`)).status).toBe(503));
    expect(lifecycle.phase).toBe('draining');
    releaseSlowWork();
    await expect(inFlight).resolves.toBe('finished');
    await stopped;
    expect(lifecycle.phase).toBe('stopped');
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
  });

  it('closes what already started when a later provider fails its start, then rethrows', async () => {
    const events: string[] = [];
    @Injectable()
    class ConnectsFirst implements OnModuleInit, OnModuleDestroy {
      onModuleInit() {
        events.push('connected');
      }
      onModuleDestroy() {
        events.push('closed');
      }
    }
    @Injectable()
    class FailsToStart implements OnModuleInit {
      constructor(readonly first: ConnectsFirst) {}
      onModuleInit() {
        throw new Error('topic dock.commands does not exist');
      }
    }
    @Module({ providers: [ConnectsFirst, FailsToStart] })
    class BrokenModule {}

    await expect(
      startService({
        module: BrokenModule,
        logger: pino({ level: 'silent' }),
        httpPort: 0,
        httpHost: '127.0.0.1',
        shutdownTimeoutMs: 1_000,
      }),
    ).rejects.toThrow('topic dock.commands does not exist');
    expect(events).toEqual(['connected', 'closed']);
  });

  it('fails liveness and readiness, with the reasons, once marked broken', async () => {
    const running = await start([]);
    service = running;
    const base = `http://127.0.0.1:${running.port}`;
    expect((await fetch(`${base}/health/live`)).status).toBe(200);

    const lifecycle = running.app.get<ServiceLifecycle>(SERVICE_LIFECYCLE);
    lifecycle.consumerGaveUp('mission.command-replies', new Error('coordinator not available'));
    lifecycle.consumerGaveUp('mission.command-replies', new Error('coordinator not available'));

    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(503);
    expect(await live.json()).toEqual({
      status: 'broken',
      service: 'test',
      reasons: [
        'Kafka consumer group mission.command-replies stopped for good: coordinator not available',
      ],
    });
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'broken' });
  });
});
