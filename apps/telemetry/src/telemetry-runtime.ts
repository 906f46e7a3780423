import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { DEFAULT_PARTITIONS, KAFKA_TOPICS } from '@dock/contracts';
import type { MessageBus, RunningConsumer } from '@dock/kafka';
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

/** The consumer group of the task events: "<TELEMETRY_CONSUMER_GROUP>.task-events". */
export function taskEventsGroupId(group: string): string {
  return `${group}.task-events`;
}

/** How long the live feed trusts what it read of a dock's or flight's organization. */
const LIVE_ORGANIZATION_TTL_MS = 5_000;

/**
 * The moving parts behind the HTTP shell: the storing consumer, the live-feed consumer and the
 * retention job. Started once the module is up; stopped intake-first at shutdown, before the
 * database closes.
 */
export class TelemetryRuntime {
  private store: RunningConsumer | undefined;
  private organizations: RunningConsumer | undefined;
  private live: LiveFeedConsumer | undefined;
  private retention: RetentionJob | undefined;

  constructor(
    private readonly config: TelemetryConfig,
    private readonly bus: MessageBus,
    private readonly dataSource: DataSource,
    private readonly broadcaster: LiveBroadcaster,
    private readonly metrics: TelemetryMetrics,
    private readonly logger: Logger,
    /** Close the bus at stop (it was made for this service rather than handed in). */
    private readonly ownsBus = false,
  ) {}

  async start(): Promise<void> {
    await this.bus.ensureTopics(
      [
        ...STORED_TOPICS,
        ...ORGANIZATION_TOPICS,
        KAFKA_TOPICS.deviceEvents,
        KAFKA_TOPICS.hmsAlerts,
        KAFKA_TOPICS.mediaRecords,
      ].map((topic) => ({
        topic,
        numPartitions: DEFAULT_PARTITIONS[topic] ?? 3,
      })),
    );
    const directory = new PgOrganizationDirectory(this.dataSource);
    const organizationHandler = new TaskEventOrganizationHandler(
      directory,
      this.metrics,
      this.logger.child({ component: 'organization-consumer' }),
    );
    this.organizations = await this.bus.subscribe({
      groupId: taskEventsGroupId(this.config.TELEMETRY_CONSUMER_GROUP),
      topics: ORGANIZATION_TOPICS,
      logger: this.logger,
      handleBatch: (records) => organizationHandler.handleBatch(records),
    });
    const handler = new StoreBatchHandler(
      new PgTelemetryWriter(this.dataSource),
      this.metrics,
      this.logger.child({ component: 'store-consumer' }),
    );
    this.store = await this.bus.subscribe({
      groupId: this.config.TELEMETRY_CONSUMER_GROUP,
      topics: STORED_TOPICS,
      logger: this.logger,
      // Partitions are independent docks: their transactions touch disjoint rows.
      partitionsConsumedConcurrently: this.config.TELEMETRY_PARTITIONS_CONCURRENTLY,
      handleBatch: (records) => handler.handleBatch(records),
    });
    this.live = new LiveFeedConsumer(
      this.bus,
      {
        groupId: liveGroupId(this.config.TELEMETRY_CONSUMER_GROUP),
        topics: TELEMETRY_TOPICS,
        deviceEventsTopic: KAFKA_TOPICS.deviceEvents,
        hmsTopic: KAFKA_TOPICS.hmsAlerts,
        mediaTopic: KAFKA_TOPICS.mediaRecords,
      },
      this.broadcaster,
      new CachedOrganizationDirectory(directory, LIVE_ORGANIZATION_TTL_MS),
      this.metrics,
      this.logger.child({ component: 'live-feed' }),
    );
    await this.live.start();
    this.retention = new RetentionJob(
      new PgRetentionStore(this.dataSource, this.config.DATABASE_SCHEMA),
      {
        retentionDays: this.config.TELEMETRY_RETENTION_DAYS,
        intervalMs: this.config.TELEMETRY_RETENTION_INTERVAL_MS,
        batchRows: this.config.TELEMETRY_RETENTION_BATCH_ROWS,
      },
      this.metrics,
      this.logger.child({ component: 'retention' }),
    );
    this.retention.start();
    this.logger.info(
      { group: this.config.TELEMETRY_CONSUMER_GROUP, topics: STORED_TOPICS },
      'storing telemetry',
    );
  }

  async stop(): Promise<void> {
    this.broadcaster.close();
    const stopping = [
      this.store?.stop(),
      this.organizations?.stop(),
      this.live?.stop(),
      this.retention?.stop(),
    ];
    const results = await Promise.allSettled(stopping);
    for (const result of results) {
      if (result.status === 'rejected') {
        this.logger.warn({ err: result.reason }, 'a telemetry component did not stop cleanly');
      }
    }
    this.store = undefined;
    this.organizations = undefined;
    this.live = undefined;
    this.retention = undefined;
    if (this.ownsBus) await this.bus.close();
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
