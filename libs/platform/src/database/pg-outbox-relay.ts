import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { encodeRecord, OutgoingMessage, ServiceBridge } from '@dock/kafka';

type Row = Record<string, unknown>;

/**
 * What `relay()` resolves with when another replica holds the relay lock: nothing was sent, but
 * records committed while the other replica was reading may be waiting (see OutboxRelayLoop).
 */
export const OUTBOX_LOCKED = -1;

export type OutboxSender = (
  records: { topic: string; message: OutgoingMessage }[],
) => Promise<void>;

export interface PgOutboxRelayOptions {
  /**
   * The service whose outbox this is: names the advisory lock (`<service>-outbox:<schema>`), so
   * it must stay the same across releases for replicas of two versions to exclude each other.
   */
  readonly service: string;
  /** The outbox table has a `headers` column (jsonb) whose headers go on each record. */
  readonly headers?: boolean;
  /** Records per relay at most. */
  readonly batch?: number;
}

/**
 * Sends a service's outbox (table `outbox`: id, topic, key, payload[, headers]) to the bus and
 * deletes what the bus acknowledged, in one transaction. One replica relays at a time (a
 * transaction-scoped advisory lock per schema), so records keep the order in which the changes
 * committed. A crash between the acknowledgement and the commit sends a batch again: consumers
 * see at-least-once delivery, as with any Kafka topic.
 */
export class PgOutboxRelay {
  private readonly lockSql: string;
  private readonly selectSql: string;
  private readonly batch: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly send: OutboxSender,
    private readonly options: PgOutboxRelayOptions,
  ) {
    if (!/^[a-z][a-z0-9-]*$/.test(options.service)) {
      throw new Error(`PgOutboxRelay: service must be a plain name, got ${options.service}`);
    }
    this.batch = options.batch ?? 500;
    this.lockSql = `SELECT pg_try_advisory_xact_lock(hashtext('${options.service}-outbox:' || current_schema())) AS locked`;
    this.selectSql = `SELECT id, topic, key, payload${options.headers ? ', headers' : ''} FROM outbox ORDER BY id LIMIT $1`;
  }

  /** Sends one batch; resolves with how many records went, or OUTBOX_LOCKED. */
  relay(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [lock] = (await manager.query(this.lockSql)) as Row[];
      if (lock?.locked !== true) return OUTBOX_LOCKED;
      const rows = (await manager.query(this.selectSql, [this.batch])) as Row[];
      if (rows.length === 0) return 0;
      await this.send(
        rows.map((row) => {
          const message = encodeRecord(row.key as string, row.payload);
          if (this.options.headers) {
            message.headers = { ...message.headers, ...(row.headers as Record<string, string>) };
          }
          return { topic: row.topic as string, message };
        }),
      );
      await manager.query('DELETE FROM outbox WHERE id = ANY($1)', [rows.map((row) => row.id)]);
      return rows.length;
    });
  }
}

/**
 * `token` as the service's PgOutboxRelay on the DataSource at `dataSourceToken`, sending with
 * the producer of the ServiceBridge at `bridgeToken`.
 */
export function outboxRelayProvider(
  token: InjectionToken,
  inject: { dataSource: InjectionToken; bridge: InjectionToken },
  options: PgOutboxRelayOptions,
): FactoryProvider<PgOutboxRelay> {
  return {
    provide: token,
    inject: [inject.dataSource, inject.bridge],
    useFactory: (dataSource: DataSource, bridge: ServiceBridge) =>
      new PgOutboxRelay(dataSource, (records) => bridge.producer.sendAll(records), options),
  };
}
