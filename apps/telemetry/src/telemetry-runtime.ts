import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { KAFKA_TOPICS } from '@dock/contracts';
import type { ServiceBridge } from '@dock/kafka';
import { closeDataSource, ServiceRuntime } from '@dock/platform';
import { LiveFeedConsumer } from './adapters/kafka/live-feed-consumer';
import { StoreBatchHandler } from './adapters/kafka/store-batch-handler';
import { TaskEventOrganizationHandler } from './adapters/kafka/task-event-organization-handler';
import type { LiveBroadcaster } from './adapters/live/live-broadcaster';
import {
  CachedOrganizationDirectory,
  PgOrganizationDirectory,
} from './adapters/postgres/pg-organization-directory';
import { PgRetentionStore } from './adapters/postgres/pg-retention-store';
import { PgTelemetryWriter } from './adapters/postgres/pg-telemetry-writer';
import { RetentionJob } from './adapters/retention-job';
import type { TelemetryConfig } from './telemetry.config';
import type { TelemetryMetrics } from './telemetry-metrics';

/** The topics telemetry reads: events (progress, RTH, exit-RTH, ready) and status (update_topo). */
export const TELEMETRY_TOPICS = [KAFKA_TOPICS.uplink.events, KAFKA_TOPICS.uplink.status];

/** What telemetry stores: the above and osd (each dock's position; not streamed live). */
export const STORED_TOPICS = [...TELEMETRY_TOPICS, KAFKA_TOPICS.uplink.osd];

/** Where telemetry learns whose flights and docks are (see domain/organizations.ts). */
export const ORGANIZATION_TOPICS = [KAFKA_TOPICS.taskEvents];

/** Every topic telemetry reads (read when the bridge is built: the bench swaps the lists first). */
export function telemetryBusTopics(): string[] {
  return [
    ...STORED_TOPICS,
    ...ORGANIZATION_TOPICS,
    KAFKA_TOPICS.deviceEvents,
    KAFKA_TOPICS.hmsAlerts,
    KAFKA_TOPICS.mediaRecords,
  ];
}

/** The consumer group of the task events: "<TELEMETRY_CONSUMER_GROUP>.task-events". */
export function taskEventsGroupId(group: string): string {
  return `${group}.task-events`;
}

/** How long the live feed trusts what it read of a dock's or flight's organization. */
const LIVE_ORGANIZATION_TTL_MS = 5_000;

/** What the runtime runs: the module's providers (telemetry.module.ts names their tokens). */
export interface TelemetryRuntimeParts {
  /** Consumes only: no producer. */
  kafka: ServiceBridge<undefined>;
  dataSource: DataSource;
  broadcaster: LiveBroadcaster;
  metrics: TelemetryMetrics;
}

/**
 * The moving parts behind the HTTP shell: the storing consumer, the live-feed consumer and the
 * retention job. Started once the app (and its migrated database) is up; drained intake-first
 * (live streams end before the HTTP server closes); the database closes last.
 */
export class TelemetryRuntime implements ServiceRuntime {
  private live: LiveFeedConsumer | undefined;
  private retention: RetentionJob | undefined;

  constructor(
    private readonly parts: TelemetryRuntimeParts,
    private readonly settings: { config: TelemetryConfig; logger: Logger },
  ) {}

  async start(): Promise<void> {
    const { kafka, dataSource, metrics } = this.parts;
    const { config, logger } = this.settings;
    await kafka.connect();
    const directory = new PgOrganizationDirectory(dataSource);
    const organizationHandler = new TaskEventOrganizationHandler(
      directory,
      metrics,
      logger.child({ component: 'organization-consumer' }),
    );
    const handler = new StoreBatchHandler(
      new PgTelemetryWriter(dataSource),
      metrics,
      logger.child({ component: 'store-consumer' }),
    );
    await kafka.startConsumers([
      {
        groupId: taskEventsGroupId(config.TELEMETRY_CONSUMER_GROUP),
        topics: ORGANIZATION_TOPICS,
        handleBatch: (records) => organizationHandler.handleBatch(records),
      },
      {
        groupId: config.TELEMETRY_CONSUMER_GROUP,
        topics: STORED_TOPICS,
        // Partitions are independent docks: their transactions touch disjoint rows.
        partitionsConsumedConcurrently: config.TELEMETRY_PARTITIONS_CONCURRENTLY,
        handleBatch: (records) => handler.handleBatch(records),
      },
    ]);
    this.live = new LiveFeedConsumer(
      kafka.bus,
      {
        groupId: liveGroupId(config.TELEMETRY_CONSUMER_GROUP),
        topics: TELEMETRY_TOPICS,
        deviceEventsTopic: KAFKA_TOPICS.deviceEvents,
        hmsTopic: KAFKA_TOPICS.hmsAlerts,
        mediaTopic: KAFKA_TOPICS.mediaRecords,
      },
      this.parts.broadcaster,
      new CachedOrganizationDirectory(directory, LIVE_ORGANIZATION_TTL_MS),
      metrics,
      logger.child({ component: 'live-feed' }),
    );
    await this.live.start();
    this.retention = new RetentionJob(
      new PgRetentionStore(dataSource, config.DATABASE_SCHEMA),
      {
        retentionDays: config.TELEMETRY_RETENTION_DAYS,
        intervalMs: config.TELEMETRY_RETENTION_INTERVAL_MS,
        batchRows: config.TELEMETRY_RETENTION_BATCH_ROWS,
      },
      metrics,
      logger.child({ component: 'retention' }),
    );
    this.retention.start();
    logger.info(
      { group: config.TELEMETRY_CONSUMER_GROUP, topics: STORED_TOPICS },
      'storing telemetry',
    );
  }

  async drain(): Promise<void> {
    this.parts.broadcaster.close();
    const stopping = [this.parts.kafka.stopConsumers(), this.live?.stop(), this.retention?.stop()];
    const results = await Promise.allSettled(stopping);
    for (const result of results) {
      if (result.status === 'rejected') {
        this.settings.logger.warn(
          { err: result.reason },
          'a telemetry component did not stop cleanly',
        );
      }
    }
    this.live = undefined;
    this.retention = undefined;
    await this.parts.kafka.disconnect();
  }

  async stop(): Promise<void> {
    await closeDataSource(this.parts.dataSource, this.settings.logger);
  }
}

/** "<group>.live.<host>.<random>": unique per process, readable in the broker's group list. */
function liveGroupId(group: string): string {
  const host = os
    .hostname()
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 60);
  return `${group}.live.${host}.${randomBytes(4).toString('hex')}`;
}
