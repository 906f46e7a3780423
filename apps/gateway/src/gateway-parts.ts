import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Registry } from 'prom-client';
import { BusProducer, MessageBus, ServiceBridge } from '@dock/kafka';
import {
  createServiceBus,
  InFlightWork,
  Logger,
  mqttTls,
  MqttTls,
  ServiceLifecycle,
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
import { DockConfigSettings } from './domain/requests/immediate-replies';
import { RequestAnswerer } from './domain/requests/request-answerer';
import { allGatewayTopics, GATEWAY_TOPICS, GatewayTopics } from './domain/shared/gateway-topics';
import { systemClock } from './domain/shared/ports';
import { StoppingError } from './domain/shared/retry';
import { UplinkProcessor } from './domain/uplink/uplink-processor';
import { GatewayConfig } from './gateway.config';

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

export interface GatewayPartsOptions {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  /**
   * The platform's lifecycle: its in-flight work (SIGTERM drains the messages being handled),
   * readiness (`consumers-gateway`) and liveness (a consumer that gave up). Default: one of
   * its own (tests, the bench).
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
 * Raised once the gateway drains: the domain services then give up retrying (StoppingError)
 * so the work is redelivered to the next owner. Shared by the services and the runtime.
 */
export class StoppingFlag {
  private raised = false;
  readonly isRaised = (): boolean => this.raised;
  raise(): void {
    this.raised = true;
  }
}

/** What GatewayRuntime runs: built (unconnected) by createGatewayParts. */
export interface GatewayParts {
  readonly config: GatewayConfig;
  /** The gateway's logger, tagged with its instance id. */
  readonly logger: Logger;
  readonly topics: GatewayTopics;
  readonly stopping: StoppingFlag;
  /** The platform's in-flight work, which SIGTERM drains. */
  readonly work: InFlightWork;
  /** Read once here: a certificate file that is gone fails the start, not a reconnect. */
  readonly mqttTls: MqttTls | undefined;
  readonly metrics: PromGatewayMetrics;
  /** Kafka, or the embedded mode's in-process bus (names the readiness check). */
  readonly busKind: MessageBus['kind'];
  readonly kafka: ServiceBridge;
  readonly producer: BusProducer;
  /** The Redis client behind the pending stores; undefined when the stores were handed in. */
  readonly redis: Redis | undefined;
  readonly intake: MqttIntake;
  readonly publisher: MqttDockPublisher;
  readonly processor: UplinkProcessor;
  readonly dispatcher: CommandDispatcher;
  readonly answerer: RequestAnswerer;
  readonly sweeper: DeadlineSweeper;
}

/**
 * The gateway's composition, the one place its adapters and domain services are built (the
 * module's provider calls it; tests and the bench call it to run replicas without Nest).
 * Nothing connects here: GatewayRuntime.start does.
 */
export function createGatewayParts(options: GatewayPartsOptions): GatewayParts {
  const { config } = options;
  const logger = options.logger.child({ instance: config.GATEWAY_INSTANCE_ID });
  const instanceId = config.GATEWAY_INSTANCE_ID;
  const topics = options.topics ?? GATEWAY_TOPICS;
  const lifecycle = options.lifecycle ?? new ServiceLifecycle();
  const stopping = new StoppingFlag();
  const tls = mqttTls(config);
  const connection = mqttConnectionSettings(config, tls);

  // A command or request reply that keeps failing goes to gateway.dead-letter, never stalls.
  const owned = createServiceBus(
    {
      service: 'gateway',
      config,
      logger,
      bus: options.bus,
      clientId: `gateway-${instanceId}`,
      createTopic: config.GATEWAY_CREATE_TOPICS,
      // Abandoned because the gateway stops: redelivered to the next owner, never dead-lettered.
      classify: (error) => (error instanceof StoppingError ? 'transient' : undefined),
    },
    { registry: options.registry, lifecycle },
  );
  const intake = options.intake ?? subscriberPool(config, connection, logger);
  const metrics = new PromGatewayMetrics(options.registry, {
    unacknowledged: () => intake.unacknowledged,
    mqttConnected: () => intake.connected,
  });
  const producer = owned.bus.createProducer({
    lingerMs: config.KAFKA_LINGER_MS,
    maxBatchRecords: config.KAFKA_MAX_BATCH_RECORDS,
    maxBatchBytes: config.KAFKA_MAX_BATCH_BYTES,
    onBatch: (outcome) => metrics.kafkaBatch(outcome),
  });
  const kafka = new ServiceBridge(
    owned,
    producer,
    config.GATEWAY_CREATE_TOPICS ? allGatewayTopics(topics) : [],
    logger,
  );
  const writer = new KafkaRecordWriter(producer, (topic) => metrics.written(topic));
  const { redis, commands, requests } = options.pendingStores
    ? { redis: undefined, ...options.pendingStores }
    : redisPendingStores(config, logger);
  const publisher = new MqttDockPublisher(
    { ...connection, clientId: gatewayClientId(connection, instanceId, 'out') },
    logger,
  );
  const common = { clock: systemClock, metrics, log: logger, stopping: stopping.isRaised };
  return {
    config,
    logger,
    topics,
    stopping,
    work: lifecycle.work,
    mqttTls: tls,
    metrics,
    busKind: owned.bus.kind,
    kafka,
    producer,
    redis,
    intake,
    publisher,
    processor: new UplinkProcessor({
      ...common,
      writer,
      publisher,
      commands,
      requests,
      topics,
      limits: {
        maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
        maxDeadLetterRawBytes: config.DEAD_LETTER_MAX_RAW_BYTES,
      },
      requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
      dockConfig: dockConfigSettings(config),
      instanceId,
    }),
    dispatcher: new CommandDispatcher({
      ...common,
      pending: commands,
      publisher,
      writer,
      newTid: randomUUID,
      topics,
      settings: { defaultTimeoutMs: config.GATEWAY_COMMAND_TIMEOUT_MS, instanceId },
    }),
    answerer: new RequestAnswerer({ ...common, requests, publisher }),
    sweeper: new DeadlineSweeper({
      ...common,
      commands,
      requests,
      writer,
      publisher,
      topics,
      instanceId,
      batchSize: SWEEP_BATCH,
    }),
  };
}

/** The broker connection settings the subscriber connections and the publisher share. */
function mqttConnectionSettings(config: GatewayConfig, tls: MqttTls | undefined) {
  return {
    url: config.MQTT_URL,
    username: config.MQTT_USERNAME,
    password: config.MQTT_PASSWORD,
    protocolVersion: config.MQTT_PROTOCOL_VERSION,
    keepaliveSeconds: config.MQTT_KEEPALIVE_S,
    sessionExpirySeconds: config.MQTT_SESSION_EXPIRY_S,
    tls,
  };
}

/** Pending commands and requests in Redis at REDIS_URL, over one (not yet connected) client. */
function redisPendingStores(config: GatewayConfig, logger: Logger) {
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true });
  redis.on('error', (error) => logger.warn({ err: error }, 'Redis error'));
  const storeSettings = {
    prefix: config.GATEWAY_REDIS_PREFIX,
    instanceId: config.GATEWAY_INSTANCE_ID,
    bootId: randomBytes(6).toString('hex'),
    leaseMs: config.GATEWAY_CLAIM_LEASE_MS,
    dedupeTtlMs: COMMAND_DEDUPE_TTL_MS,
  };
  return {
    redis,
    commands: new RedisPendingStore<PendingCommand>(redis, { ...storeSettings, kind: 'commands' }),
    requests: new RedisPendingStore<PendingRequest>(redis, { ...storeSettings, kind: 'requests' }),
  };
}

/** The subscriber connections: windowed on mqtt(s)://, MQTT.js on ws(s)://. */
function subscriberPool(
  config: GatewayConfig,
  connection: ReturnType<typeof mqttConnectionSettings>,
  logger: Logger,
): MqttIntake {
  const shared = config.MQTT_SHARED_SUBSCRIPTIONS;
  if (!shared && config.GATEWAY_MQTT_CONNECTIONS > 1) {
    logger.warn(
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
    ...connection,
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
      logger,
    );
  }
  return new MqttSubscriberPool(settings, logger);
}
