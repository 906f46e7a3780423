import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { NestPinoLogger } from '../logging/nest-logger';
import { ServiceLifecycle } from '../lifecycle/service-lifecycle';
import { startMetricsServer } from '../metrics/metrics-server';
import { METRICS_REGISTRY, SERVICE_LIFECYCLE } from '../tokens';

export interface StartOptions {
  /** The app's root module (already configured with its validated settings). */
  module: unknown;
  logger: Logger;
  httpPort: number;
  httpHost?: string;
  shutdownTimeoutMs: number;
  /** Install SIGTERM/SIGINT handlers that drain and exit; tests leave this off. */
  handleSignals?: boolean;
  /** Runs after the app is created and before it listens (e.g. setupOpenApi). */
  configure?: (app: INestApplication) => void | Promise<void>;
  /** METRICS_PORT: /metrics there only (0: any free port), 404 on the API port. Unset: on the API port. */
  metricsPort?: number;
}

export interface RunningService {
  app: INestApplication;
  /** The port actually bound (differs from httpPort when 0 was asked for). */
  port: number;
  /** Where /metrics is served when metricsPort was given (the port bound). */
  metricsPort?: number;
  /** Stop intake, drain in-flight work (bounded), close connections. Safe to call twice. */
  shutdown(reason: string): Promise<void>;
}

export async function startService(options: StartOptions): Promise<RunningService> {
  const { logger } = options;
  const app = await NestFactory.create(options.module as never, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  // No framework banner in every response: it only helps whoever scans for known flaws.
  (app.getHttpAdapter().getInstance() as { disable?: (setting: string) => void }).disable?.(
    'x-powered-by',
  );
  if (options.metricsPort !== undefined) {
    app.use(
      '/metrics',
      (_request: unknown, response: { status(code: number): { json(body: unknown): void } }) =>
        response.status(404).json({ statusCode: 404, code: 'not_found', message: 'not found' }),
    );
  }
  let metrics: { port: number; close(): Promise<void> } | undefined;
  try {
    await options.configure?.(app);
    await app.listen(options.httpPort, options.httpHost ?? '0.0.0.0');
    if (options.metricsPort !== undefined) {
      metrics = await startMetricsServer(
        app.get(METRICS_REGISTRY),
        options.metricsPort,
        options.httpHost ?? '0.0.0.0',
      );
    }
  } catch (error) {
    // A provider that failed its init leaves the ones before it connected (MQTT, Redis, Kafka
    // consumers): close them, or the process stays up, half started, holding its sockets.
    await app.close().catch((closeError: unknown) => {
      logger.error({ err: closeError }, 'closing after a failed start failed');
    });
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : options.httpPort;
  const lifecycle = app.get<ServiceLifecycle>(SERVICE_LIFECYCLE);

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info(
        { reason, inFlight: lifecycle.work.count },
        'shutting down: draining in-flight work',
      );
      const drained = await lifecycle.drain(options.shutdownTimeoutMs);
      if (!drained) {
        logger.warn(
          { inFlight: lifecycle.work.count, timeoutMs: options.shutdownTimeoutMs },
          'shutdown timeout reached with work still in flight',
        );
      }
      await app.close();
      await metrics?.close();
      lifecycle.markStopped();
      logger.info('stopped');
    })();
    return stopping;
  };

  if (options.handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        // A second signal or a hung close must not keep the pod around forever.
        const hardStop = setTimeout(() => process.exit(1), options.shutdownTimeoutMs + 5_000);
        hardStop.unref();
        shutdown(signal).then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
  }

  logger.info({ port, metricsPort: metrics?.port }, 'listening');
  return { app, port, metricsPort: metrics?.port, shutdown };
}
