import { timeoutRecord } from '../commands/command-records';
import { requestsReplyFor } from '../requests/request-replies';
import { methodLabel } from '../requests/immediate-replies';
import { messageContext } from '../shared/message-context';
import { GatewayMetrics } from '../shared/gateway-metrics';
import { GatewayTopics } from '../shared/gateway-topics';
import { Clock, DockPublisher, GatewayLog, RecordWriter } from '../shared/ports';
import { PendingCommand, PendingRequest } from './pending-entries';
import { PendingStore } from './pending-store';

export interface DeadlineSweeperDeps {
  readonly commands: PendingStore<PendingCommand>;
  readonly requests: PendingStore<PendingRequest>;
  readonly writer: RecordWriter;
  readonly publisher: DockPublisher;
  readonly clock: Clock;
  readonly metrics: GatewayMetrics;
  readonly log: GatewayLog;
  readonly topics: GatewayTopics;
  readonly instanceId: string;
  /** Entries taken per sweep and kind. */
  readonly batchSize: number;
}

/**
 * Runs on every replica, periodically (not on Redis key-expiry notifications, which are lost
 * while a client is disconnected). Each expired entry is claimed atomically in Redis, so exactly
 * one replica writes its timeout record (commands) or answers the dock with a failure
 * (requests). A replica dying mid-way leaves the claim to expire and another one finishes.
 */
export class DeadlineSweeper {
  constructor(private readonly deps: DeadlineSweeperDeps) {}

  /** One sweep; returns how many entries it completed. Errors propagate to the scheduler. */
  async sweep(): Promise<number> {
    return (await this.sweepCommands()) + (await this.sweepRequests());
  }

  private async sweepCommands(): Promise<number> {
    const { commands, writer, clock, metrics, log, topics, instanceId, batchSize } = this.deps;
    const expired = await commands.claimExpired(clock.now(), batchSize);
    if (expired.length === 0) return 0;
    const now = clock.now();
    await writer.write(
      expired.map(({ entry }) => ({
        topic: topics.commandReplies,
        key: entry.gatewaySn,
        value: timeoutRecord(entry, { now, instanceId }),
        headers: { tid: entry.tid, bid: entry.bid, method: entry.method },
      })),
    );
    for (const { id, entry } of expired) {
      await commands.complete(id);
      metrics.timedOut('command');
      metrics.replyMatched('timeout');
      log.warn(
        {
          ...messageContext(entry.gatewaySn, entry.tid, entry.bid, entry.method),
          correlationId: entry.correlationId,
        },
        'command timed out without services_reply',
      );
    }
    return expired.length;
  }

  private async sweepRequests(): Promise<number> {
    const { requests, publisher, clock, metrics, log, batchSize } = this.deps;
    const expired = await requests.claimExpired(clock.now(), batchSize);
    for (const { id, entry } of expired) {
      const message = requestsReplyFor(entry, undefined, clock.now());
      if (message) {
        await publisher.publish(message.topic, message.payload);
        metrics.replySent('requests_reply');
        metrics.requestReplied(methodLabel(message.method), message.outcome);
      }
      await requests.complete(id);
      metrics.timedOut('request');
      log.warn(
        messageContext(entry.gatewaySn, entry.tid, entry.bid, entry.method),
        'request unanswered by its deadline; dock told it failed',
      );
    }
    return expired.length;
  }
}
