import { DependencyCheck, describeMqttTls, ServiceRuntime } from '@dock/platform';
import { missingLicenceSettings } from './domain/requests/immediate-replies';
import type { GatewayTopics } from './domain/shared/gateway-topics';
import { StoppingError } from './domain/shared/retry';
import { dockConfigSettings, GatewayParts } from './gateway-parts';
import { GATEWAY_CHECK } from './gateway-readiness';

/**
 * The gateway's lifecycle (a ServiceRuntime, built by GatewayModule's factory provider over
 * the parts createGatewayParts built): connects them, starts intake and consumers, and drains
 * them in an order that loses nothing. Framework-free, so tests and the bench run replicas
 * in-process.
 */
export class GatewayRuntime implements ServiceRuntime {
  readonly instanceId: string;
  readonly topics: GatewayTopics;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private drained: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;

  constructor(private readonly parts: GatewayParts) {
    this.instanceId = parts.config.GATEWAY_INSTANCE_ID;
    this.topics = parts.topics;
  }

  /** Connects everything, then starts taking dock messages, commands and answers. */
  async start(): Promise<void> {
    const { config, kafka, intake, processor, dispatcher, answerer, logger } = this.parts;
    await this.parts.redis?.connect();
    await kafka.connect();
    await this.parts.publisher.connect();
    await intake.start((delivery) => this.tracked(() => processor.handle(delivery)));
    const fromBeginning = config.KAFKA_CONSUMER_START === 'earliest';
    await kafka.startConsumers([
      {
        groupId: config.GATEWAY_COMMANDS_GROUP_ID,
        topics: [this.topics.commands],
        fromBeginning,
        // Partitions are independent docks: handle several at once, each in order.
        partitionsConsumedConcurrently: 3,
        handleBatch: (records) =>
          this.tracked(() => dispatcher.handleBatch(records.map((r) => r.message.value))),
      },
      {
        groupId: config.GATEWAY_REQUEST_REPLIES_GROUP_ID,
        topics: [this.topics.requestReplies],
        fromBeginning,
        partitionsConsumedConcurrently: 3,
        handleBatch: (records) =>
          this.tracked(() => answerer.handleBatch(records.map((r) => r.message.value))),
      },
    ]);
    this.scheduleSweep();
    const missing = missingLicenceSettings(dockConfigSettings(config));
    if (missing.length > 0) {
      logger.warn(
        { unset: missing, ntpServerHost: config.NTP_SERVER_HOST ?? null },
        `${missing.join(', ')} unset: real docks will drop their connection after config, and ` +
          'so will simulated ones (docs/gateway.md, "Dock licence")',
      );
    }
    logger.info(
      {
        connections: intake.size,
        ackMode: config.GATEWAY_ACK_MODE,
        shareGroup: config.MQTT_SHARED_SUBSCRIPTIONS ? config.GATEWAY_SHARE_GROUP : null,
        mqtt: describeMqttTls(this.parts.mqttTls),
      },
      'gateway started',
    );
  }

  /** Resolves once every consumer has joined its group (tests produce only after that). */
  consumersJoined(): Promise<void> {
    return this.parts.kafka.consumersJoined();
  }

  /**
   * Stops intake first (unacknowledged messages stay at the broker), lets the messages being
   * handled finish, then stops the sweeper and the consumers (their current batch finishes or
   * is redelivered) and flushes the producer. Safe to call twice.
   */
  drain(): Promise<void> {
    this.drained ??= this.drainInOrder();
    return this.drained;
  }

  /** Drains (if not yet), then closes the MQTT publisher and Redis. Safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= this.closeConnections();
    return this.stopped;
  }

  /**
   * Readiness probes over the real connections: mqtt, kafka (or bus), redis (when used); they
   * bind the definition's late-bound checks of the same names (gateway-readiness.ts).
   */
  readinessChecks(): DependencyCheck[] {
    const { intake, publisher, producer, redis } = this.parts;
    const checks: DependencyCheck[] = [
      {
        name: GATEWAY_CHECK.mqtt,
        check: async () => {
          const { connected, size } = intake;
          if (connected < size)
            throw new Error(`${connected} of ${size} subscriber connections up`);
          if (!publisher.connected) throw new Error('publisher connection down');
        },
      },
      {
        name: this.parts.busKind === 'kafka' ? GATEWAY_CHECK.kafka : GATEWAY_CHECK.bus,
        check: async () => {
          if (!producer.connected) throw new Error('producer not connected');
        },
      },
    ];
    if (redis) {
      checks.push({
        name: GATEWAY_CHECK.redis,
        check: async () => {
          const answer = await redis.ping();
          if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${answer}`);
        },
      });
    }
    return checks;
  }

  /** Runs one sweep now (tests use it to avoid waiting for the timer). */
  sweepOnce(): Promise<number> {
    return this.parts.sweeper.sweep();
  }

  /**
   * Runs work the platform's drain waits for. Once draining, new work is refused with
   * StoppingError: a dock message is then left unacknowledged, a consumed batch uncommitted.
   */
  private tracked<T>(work: () => Promise<T>): Promise<T> {
    const { stopping, work: inFlight } = this.parts;
    if (stopping.isRaised() || !inFlight.isAccepting) return Promise.reject(new StoppingError());
    return inFlight.track(work);
  }

  private async drainInOrder(): Promise<void> {
    const { config, intake, work, stopping, kafka, logger } = this.parts;
    logger.info('gateway stopping');
    // No new messages; those being handled finish and are acknowledged before the close.
    await intake.stop(config.SHUTDOWN_TIMEOUT_MS);
    await work.drain(config.SHUTDOWN_TIMEOUT_MS);
    stopping.raise();
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    await this.sweeping;
    await kafka.stopConsumers();
    // Flushes the producer; closes the bus if the gateway made it.
    await kafka.disconnect();
  }

  private async closeConnections(): Promise<void> {
    await this.drain();
    await this.parts.publisher.close();
    this.parts.redis?.disconnect();
    this.parts.logger.info('gateway stopped');
  }

  private scheduleSweep(): void {
    this.sweepTimer = setTimeout(() => {
      this.sweeping = this.parts.sweeper
        .sweep()
        .then(() => undefined)
        .catch((error: unknown) => {
          if (!(error instanceof StoppingError)) {
            this.parts.logger.warn({ err: error }, 'deadline sweep failed; next one retries');
          }
        })
        .finally(() => {
          if (!this.parts.stopping.isRaised()) this.scheduleSweep();
        });
    }, this.parts.config.GATEWAY_SWEEP_INTERVAL_MS);
  }
}
