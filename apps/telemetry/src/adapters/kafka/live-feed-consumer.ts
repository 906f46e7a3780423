import type { Logger } from 'pino';
import { deviceEventRecordSchema, hmsAlertRecordSchema, mediaRecordSchema } from '@dock/contracts';
import { ConsumedRecord, decodeRecord, MessageBus, RunningConsumer } from '@dock/kafka';
import { liveUpdateFor, liveUpdateForDevice } from '../../domain/live-update';
import { flightOf, KnownOrganizations, organizationOf } from '../../domain/organizations';
import type { TelemetryItem } from '../../domain/telemetry-rows';
import { RecentKeys } from '../../domain/recent-keys';
import type { TelemetryMetrics } from '../../telemetry-metrics';
import type { LiveBroadcaster } from '../live/live-broadcaster';
import { decodeUplink } from './uplink-decoding';

export interface LiveFeedSettings {
  /** Unique per replica (and per process start): each replica must see every partition. */
  groupId: string;
  topics: string[];
  /** The registry's device events (presence, topology), shown beside the dock's own updates. */
  deviceEventsTopic?: string;
  /** alerts.hms: its records go to the stream as `hms` events, to the alert's organization. */
  hmsTopic?: string;
  /** media.records: its records go to the stream as `media` events, to the file's organization. */
  mediaTopic?: string;
}

/**
 * Feeds this replica's live stream. The storing consumer group splits the partitions between
 * replicas, so a replica sees only some docks there; a client connected to it wants any dock.
 * So every replica also runs this consumer in a group of its own: it gets every partition,
 * starts at the latest offset (a live view has no past) and never commits, so Kafka keeps no
 * offsets for these throw-away groups and forgets them once they are empty.
 *
 * An update may reach the stream a moment before the storing consumer has committed it to
 * PostgreSQL; a client that re-reads the API after an update may briefly see the older state.
 */
export class LiveFeedConsumer {
  private consumer: RunningConsumer | undefined;
  private readonly recent = new RecentKeys(20_000);

  constructor(
    private readonly bus: MessageBus,
    private readonly settings: LiveFeedSettings,
    private readonly broadcaster: LiveBroadcaster,
    private readonly organizations: {
      known(
        flightIds: readonly string[],
        gatewaySns: readonly string[],
      ): Promise<KnownOrganizations>;
    },
    private readonly metrics: TelemetryMetrics,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.consumer = await this.bus.subscribe({
      groupId: this.settings.groupId,
      topics: [
        ...this.settings.topics,
        ...(this.settings.deviceEventsTopic ? [this.settings.deviceEventsTopic] : []),
        ...(this.settings.hmsTopic ? [this.settings.hmsTopic] : []),
        ...(this.settings.mediaTopic ? [this.settings.mediaTopic] : []),
      ],
      fromBeginning: false,
      commit: false,
      sessionTimeoutMs: 10_000,
      maxWaitTimeMs: 100,
      logger: this.logger,
      handleBatch: async (records) => this.show(records),
    });
    this.logger.info({ groupId: this.settings.groupId }, 'live feed consuming every partition');
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  private async show(records: readonly ConsumedRecord[]): Promise<void> {
    // Nobody watching: skip the decoding; the offsets still move on in memory.
    if (this.broadcaster.subscriberCount === 0) return;
    const items: TelemetryItem[] = [];
    for (const record of records) {
      if (record.topic === this.settings.deviceEventsTopic) {
        this.showDevice(record);
        continue;
      }
      if (record.topic === this.settings.hmsTopic) {
        this.showHms(record);
        continue;
      }
      if (record.topic === this.settings.mediaTopic) {
        this.showMedia(record);
        continue;
      }
      const outcome = decodeUplink(record);
      if (!outcome.ok) continue;
      const { kind, row } = outcome.item;
      // A duplicate MQTT delivery or a redelivered record is shown once.
      if (!this.recent.firstSighting(`${kind}|${row.gatewaySn}|${row.dedupeKey}`)) continue;
      items.push(outcome.item);
    }
    if (items.length === 0) return;
    // Each update goes only to the streams of its organization, the one its rows are stored in.
    let known: KnownOrganizations;
    try {
      known = await this.organizations.known(
        items.flatMap((item) => flightOf(item) ?? []),
        items.map((item) => item.row.gatewaySn),
      );
    } catch (error) {
      // Never shown to the wrong organization: without the answer these updates are dropped
      // (a live view has no past; clients re-read the REST API after a gap).
      this.logger.warn(
        { err: error, updates: items.length },
        'live updates dropped: no organization',
      );
      return;
    }
    for (const item of items) {
      const update = liveUpdateFor(item);
      if (!update) continue;
      this.metrics.liveUpdates.inc({ event: update.event });
      this.broadcaster.publish(
        update,
        organizationOf({ gatewaySn: item.row.gatewaySn, flightId: flightOf(item) }, known),
      );
    }
  }

  private showDevice(record: ConsumedRecord): void {
    const decoded = decodeRecord(record.message.value, deviceEventRecordSchema);
    if (!decoded.ok) return;
    const event = decoded.value;
    // A device bound to no organization is nobody's to watch (the registry's REST shows it).
    if (event.organizationId === null) return;
    const key = `device|${event.gatewaySn}|${event.deviceSn}|${event.kind}|${event.at}`;
    if (!this.recent.firstSighting(key)) return;
    const update = liveUpdateForDevice(event);
    if (!update) return;
    this.metrics.liveUpdates.inc({ event: update.event });
    this.broadcaster.publish(update, event.organizationId);
  }

  /** The alerts service wrote the alert under the dock's organization: shown to that one only. */
  private showHms(record: ConsumedRecord): void {
    const alert = decodeRecord(record.message.value, hmsAlertRecordSchema);
    if (!alert.ok || !this.recent.firstSighting(`hms|${alert.value.id}`)) return;
    this.metrics.liveUpdates.inc({ event: 'hms' });
    this.broadcaster.publish(
      { event: 'hms', gatewaySn: alert.value.gatewaySn, data: alert.value },
      alert.value.organizationId,
    );
  }

  /** The media service wrote the record under its organization: shown to that one only. */
  private showMedia(record: ConsumedRecord): void {
    const media = decodeRecord(record.message.value, mediaRecordSchema);
    if (!media.ok) return;
    const key =
      media.value.kind === 'file'
        ? `media|file|${media.value.id}`
        : `media|flight|${media.value.flightId}|${media.value.status}|${media.value.at}`;
    if (!this.recent.firstSighting(key)) return;
    this.metrics.liveUpdates.inc({ event: 'media' });
    this.broadcaster.publish(
      { event: 'media', gatewaySn: media.value.gatewaySn, data: media.value },
      media.value.organizationId,
    );
  }
}
