import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Registry } from 'prom-client';
import { BusProducer, GuardedBus, MessageBus, ServiceBridge } from '@dock/kafka';
import {
  createServiceBus,
  DependencyCheck,
  describeMqttTls,
  InFlightWork,
  Logger,
  mqttTls,
  MqttTls,
  ServiceLifecycle,
  ServiceRuntime,
} from '@dock/platform';
import { sharedSubscription, UPLINK_SUBSCRIPTION_FILTERS } from '@dock/protocol';
import { KafkaRecordWriter } from './adapters/kafka/kafka-record-writer';
import { PromGatewayMetrics } from './adapters/metrics/prom-gateway-metrics';
import { MqttDockPublisher } from './adapters/mqtt/mqtt-dock-publisher';
import { gatewayClientId } from './adapters/mqtt/mqtt-options';
import { MqttIntake } from './adapters/mqtt/mqtt-intake';
import { MqttSubscriberPool } from './adapters/mqtt/mqtt-subscriber-pool';
import { windowedConnectionSupports } from './adapters/mqtt/windowed-connection';
import { WindowedSubscriberPool } from './adapters/mqtt/windowed-subscriber-pool';
import { RedisPendingStore } from './adapters/redis/redis-pending-store';
import { CommandDispatcher } from './domain/commands/command-dispatcher';
import { DeadlineSweeper } from './domain/pending/deadline-sweeper';
import { PendingCommand, PendingRequest } from './domain/pending/pending-entries';
import type { PendingStore } from './domain/pending/pending-store';
import { RequestAnswerer } from './domain/requests/request-answerer';
import { DockConfigSettings, missingLicenceSettings } from './domain/requests/immediate-replies';
import { allGatewayTopics, GATEWAY_TOPICS, GatewayTopics } from './domain/shared/gateway-topics';
import { systemClock } from './domain/shared/ports';
import { StoppingError } from './domain/shared/retry';
import { UplinkProcessor } from './domain/uplink/uplink-processor';
import { GatewayConfig } from './gateway.config';
import { GATEWAY_CHECK } from './gateway-readiness';

/** The config reply's settings, from the gateway's configuration. */
export function dockConfigSettings(config: GatewayConfig): DockConfigSettings {
  return {
    ...(config.DJI_APP_ID === undefined ? {} : { appId: config.DJI_APP_ID }),
    ...(config.DJI_APP_KEY === undefined ? {} : { appKey: config.DJI_APP_KEY }),
    ...(config.DJI_APP_LICENSE === undefined ? {} : { appLicense: config.DJI_APP_LICENSE }),
    ...(config.NTP_SERVER_HOST === undefined ? {} : { ntpServerHost: config.NTP_SERVER_HOST }),
    ntpServerPort: config.NTP_SERVER_PORT,
  };
}

/** Which uplink topics the gateway subscribes to (every family a dock publishes). */
export const GATEWAY_SUBSCRIPTION_FILTERS = UPLINK_SUBSCRIPTION_FILTERS;

/** A command's correlation id is remembered this long, so a redelivered command is not resent. */
const COMMAND_DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;
const SWEEP_BATCH = 200;

export interface GatewayRuntimeOptions {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  /**
   * The platform's lifecycle: its in-flight work (SIGTERM drains the messages being handled),
   * readiness (`consumers-gateway`) and liveness (a consumer that gave up). Default: one of the
   * runtime's own (tests, the bench).
   */
  readonly lifecycle?: ServiceLifecycle;
  /** Tests use topics of their own. */
  readonly topics?: GatewayTopics;
  /** Replace the MQTT intake (e.g. an embedded MQTT 3.1.1 broker's). */
  readonly intake?: MqttIntake;
  /**
   * The message bus (the embedded mode's in-process bus). Default: Kafka at KAFKA_BROKERS,
   * owned and closed by the runtime; a bus given here is closed by whoever gave it.
   */
  readonly bus?: MessageBus;
  /**
   * Pending-call stores in place of Redis (the embedded mode's in-memory ones: one replica
   * only). Default: Redis at REDIS_URL.
   */
  readonly pendingStores?: {
    readonly commands: PendingStore<PendingCommand>;
    readonly requests: PendingStore<PendingRequest>;
  };
}

/**
 * The gateway's runtime (a ServiceRuntime, built by GatewayModule's factory provider): builds
 * its adapters from the configuration, wires them to the domain services, starts intake and
 * consumers, and drains them in an order that loses nothing. Framework-free, so tests and the
 * bench run replicas in-process.
 */
export class GatewayRuntime implements ServiceRuntime {
  readonly instanceId: string;
  readonly topics: GatewayTopics;
  readonly metrics: PromGatewayMetrics;
  private readonly logger: Logger;
  private readonly config: GatewayConfig;
  private readonly work: InFlightWork;
  private readonly redis: Redis | undefined;
  private readonly producer: BusProducer;
  private readonly publisher: MqttDockPublisher;
  private readonly intake: MqttIntake;
  private readonly bus: GuardedBus;
  private readonly kafka: ServiceBridge;
  private readonly processor: UplinkProcessor;
  private readonly dispatcher: CommandDispatcher;
  private readonly answerer: RequestAnswerer;
  private readonly sweeper: DeadlineSweeper;
  /** Read once at construction: a certificate file that is gone fails the start, not a reconnect. */
  private readonly mqttTls: MqttTls | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopping = false;
  private drained: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;

  constructor(options: GatewayRuntimeOptions) {
    const { config, logger } = options;
    this.config = config;
    this.logger = logger.child({ instance: config.GATEWAY_INSTANCE_ID });
    this.instanceId = config.GATEWAY_INSTANCE_ID;
    this.topics = options.topics ?? GATEWAY_TOPICS;
    const lifecycle = options.lifecycle ?? new ServiceLifecycle();
    this.work = lifecycle.work;
    const stopping = (): boolean => this.stopping;
    const log = this.logger;
    this.mqttTls = mqttTls(config);

    // A command or request reply that keeps failing goes to gateway.dead-letter, never stalls.
    const owned = createServiceBus(
      {
        service: 'gateway',
        config,
        logger: this.logger,
        bus: options.bus,
        clientId: `gateway-${config.GATEWAY_INSTANCE_ID}`,
        createTopic: config.GATEWAY_CREATE_TOPICS,
        // Abandoned because the gateway stops: redelivered to the next owner, never dead-lettered.
        classify: (error) => (error instanceof StoppingError ? 'transient' : undefined),
      },
      { registry: options.registry, lifecycle },
    );
    this.bus = owned.bus;
    this.intake = options.intake ?? this.subscriberPool();
    this.metrics = new PromGatewayMetrics(options.registry, {
      unacknowledged: () => this.intake.unacknowledged,
      mqttConnected: () => this.intake.connected,
    });
    this.producer = this.bus.createProducer({
      lingerMs: config.KAFKA_LINGER_MS,
      maxBatchRecords: config.KAFKA_MAX_BATCH_RECORDS,
      maxBatchBytes: config.KAFKA_MAX_BATCH_BYTES,
      onBatch: (outcome) => this.metrics.kafkaBatch(outcome),
    });
    this.kafka = new ServiceBridge(
      owned,
      this.producer,
      config.GATEWAY_CREATE_TOPICS ? allGatewayTopics(this.topics) : [],
      this.logger,
    );
    const writer = new KafkaRecordWriter(this.producer, (topic) => this.metrics.written(topic));
    let commands: PendingStore<PendingCommand>;
    let requests: PendingStore<PendingRequest>;
    if (options.pendingStores) {
      ({ commands, requests } = options.pendingStores);
    } else {
      const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true });
      redis.on('error', (error) => log.warn({ err: error }, 'Redis error'));
      this.redis = redis;
      const bootId = randomBytes(6).toString('hex');
      const storeSettings = {
        prefix: config.GATEWAY_REDIS_PREFIX,
        instanceId: config.GATEWAY_INSTANCE_ID,
        bootId,
        leaseMs: config.GATEWAY_CLAIM_LEASE_MS,
        dedupeTtlMs: COMMAND_DEDUPE_TTL_MS,
      };
      commands = new RedisPendingStore<PendingCommand>(redis, {
        ...storeSettings,
        kind: 'commands',
      });
      requests = new RedisPendingStore<PendingRequest>(redis, {
        ...storeSettings,
        kind: 'requests',
      });
    }
    this.publisher = new MqttDockPublisher(
      {
        ...this.connectionSettings(),
        clientId: gatewayClientId(this.connectionSettings(), config.GATEWAY_INSTANCE_ID, 'out'),
      },
      log,
    );
    const common = { clock: systemClock, metrics: this.metrics, log, stopping };
    this.processor = new UplinkProcessor({
      ...common,
      writer,
      publisher: this.publisher,
      commands,
      requests,
      topics: this.topics,
      limits: {
        maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
        maxDeadLetterRawBytes: config.DEAD_LETTER_MAX_RAW_BYTES,
      },
      requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
      dockConfig: dockConfigSettings(config),
      instanceId: this.instanceId,
    });
    this.dispatcher = new CommandDispatcher({
      ...common,
      pending: commands,
      publisher: this.publisher,
      writer,
      newTid: randomUUID,
      topics: this.topics,
      settings: {
        defaultTimeoutMs: config.GATEWAY_COMMAND_TIMEOUT_MS,
        instanceId: this.instanceId,
      },
    });
    this.answerer = new RequestAnswerer({ ...common, requests, publisher: this.publisher });
    this.sweeper = new DeadlineSweeper({
      ...common,
      commands,
      requests,
      writer,
      publisher: this.publisher,
      topics: this.topics,
      instanceId: this.instanceId,
      batchSize: SWEEP_BATCH,
    });
  }

  /** Connects everything, then starts taking dock messages, commands and answers. */
  async start(): Promise<void> {
    const { config } = this;
    await this.redis?.connect();
    await this.kafka.connect();
    await this.publisher.connect();
    await this.intake.start((delivery) => this.tracked(() => this.processor.handle(delivery)));
    const fromBeginning = config.KAFKA_CONSUMER_START === 'earliest';
    await this.kafka.startConsumers([
      {
        groupId: config.GATEWAY_COMMANDS_GROUP_ID,
        topics: [this.topics.commands],
        fromBeginning,
        // Partitions are independent docks: handle several at once, each in order.
        partitionsConsumedConcurrently: 3,
        handleBatch: (records) =>
          this.tracked(() => this.dispatcher.handleBatch(records.map((r) => r.message.value))),
      },
      {
        groupId: config.GATEWAY_REQUEST_REPLIES_GROUP_ID,
        topics: [this.topics.requestReplies],
        fromBeginning,
        partitionsConsumedConcurrently: 3,
        handleBatch: (records) =>
          this.tracked(() => this.answerer.handleBatch(records.map((r) => r.message.value))),
      },
    ]);
    this.scheduleSweep();
    const missing = missingLicenceSettings(dockConfigSettings(config));
    if (missing.length > 0) {
      this.logger.warn(
        { unset: missing, ntpServerHost: config.NTP_SERVER_HOST ?? null },
        `${missing.join(', ')} unset: real docks will drop their connection after config, and ` +
          'so will simulated ones (docs/gateway.md, "Dock licence")',
      );
    }
    this.logger.info(
      {
        connections: this.intake.size,
        ackMode: config.GATEWAY_ACK_MODE,
        shareGroup: config.MQTT_SHARED_SUBSCRIPTIONS ? config.GATEWAY_SHARE_GROUP : null,
        mqtt: describeMqttTls(this.mqttTls),
      },
      'gateway started',
    );
  }

  /** Resolves once every consumer has joined its group (tests produce only after that). */
  consumersJoined(): Promise<void> {
    return this.kafka.consumersJoined();
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
    const checks: DependencyCheck[] = [
      {
        name: GATEWAY_CHECK.mqtt,
        check: async () => {
          const { connected, size } = this.intake;
          if (connected < size)
            throw new Error(`${connected} of ${size} subscriber connections up`);
          if (!this.publisher.connected) throw new Error('publisher connection down');
        },
      },
      {
        name: this.bus.kind === 'kafka' ? GATEWAY_CHECK.kafka : GATEWAY_CHECK.bus,
        check: async () => {
          if (!this.producer.connected) throw new Error('producer not connected');
        },
      },
    ];
    const redis = this.redis;
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
    return this.sweeper.sweep();
  }

  /**
   * Runs work the platform's drain waits for. Once draining, new work is refused with
   * StoppingError: a dock message is then left unacknowledged, a consumed batch uncommitted.
   */
  private tracked<T>(work: () => Promise<T>): Promise<T> {
    if (this.stopping || !this.work.isAccepting) return Promise.reject(new StoppingError());
    return this.work.track(work);
  }

  private async drainInOrder(): Promise<void> {
    this.logger.info('gateway stopping');
    // No new messages; those being handled finish and are acknowledged before the close.
    await this.intake.stop(this.config.SHUTDOWN_TIMEOUT_MS);
    await this.work.drain(this.config.SHUTDOWN_TIMEOUT_MS);
    this.stopping = true;
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    await this.sweeping;
    await this.kafka.stopConsumers();
    // Flushes the producer; closes the bus if the gateway made it.
    await this.kafka.disconnect();
  }

  private async closeConnections(): Promise<void> {
    await this.drain();
    await this.publisher.close();
    this.redis?.disconnect();
    this.logger.info('gateway stopped');
  }

  private scheduleSweep(): void {
    this.sweepTimer = setTimeout(() => {
      this.sweeping = this.sweeper
        .sweep()
        .then(() => undefined)
        .catch((error: unknown) => {
          if (!(error instanceof StoppingError)) {
            this.logger.warn({ err: error }, 'deadline sweep failed; next one retries');
          }
        })
        .finally(() => {
          if (!this.stopping) this.scheduleSweep();
        });
    }, this.config.GATEWAY_SWEEP_INTERVAL_MS);
  }

  private connectionSettings() {
    const { config } = this;
    return {
      url: config.MQTT_URL,
      username: config.MQTT_USERNAME,
      password: config.MQTT_PASSWORD,
      protocolVersion: config.MQTT_PROTOCOL_VERSION,
      keepaliveSeconds: config.MQTT_KEEPALIVE_S,
      sessionExpirySeconds: config.MQTT_SESSION_EXPIRY_S,
      tls: this.mqttTls,
    };
  }

  private subscriberPool(): MqttIntake {
    const { config } = this;
    const shared = config.MQTT_SHARED_SUBSCRIPTIONS;
    if (!shared && config.GATEWAY_MQTT_CONNECTIONS > 1) {
      this.logger.warn(
        { configured: config.GATEWAY_MQTT_CONNECTIONS },
        'without shared subscriptions every connection would get every message: using one',
      );
    }
    const filters = GATEWAY_SUBSCRIPTION_FILTERS.map((filter) => {
      if (!shared) return filter;
      const wrapped = sharedSubscription(config.GATEWAY_SHARE_GROUP, filter);
      if (!wrapped.ok) throw new Error(wrapped.error.message);
      return wrapped.value;
    });
    const settings = {
      ...this.connectionSettings(),
      instanceId: config.GATEWAY_INSTANCE_ID,
      connections: shared ? config.GATEWAY_MQTT_CONNECTIONS : 1,
      filters,
      ackMode: config.GATEWAY_ACK_MODE,
    };
    // mqtt:// and mqtts://: connections with a window of unacknowledged messages. ws:// and
    // wss:// stay on MQTT.js, which takes one message at a time per connection.
    if (windowedConnectionSupports(config.MQTT_URL)) {
      return new WindowedSubscriberPool(
        { ...settings, receiveMaximum: config.GATEWAY_MQTT_RECEIVE_MAXIMUM },
        this.logger,
      );
    }
    return new MqttSubscriberPool(settings, this.logger);
  }
}
