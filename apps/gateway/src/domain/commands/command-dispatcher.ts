import { messageContext } from '../shared/message-context';
import { GatewayMetrics } from '../shared/gateway-metrics';
import { GatewayTopics } from '../shared/gateway-topics';
import { Clock, DockPublisher, GatewayLog, OutgoingRecord, RecordWriter } from '../shared/ports';
import { retryUntilStopped } from '../shared/retry';
import { PendingCommand } from '../pending/pending-entries';
import { pendingId, PendingStore } from '../pending/pending-store';
import { CommandIdentity, decodeCommand, invalidRecord } from './command-records';
import { CommandSettings, planCommand } from './plan-command';

export interface CommandDispatcherDeps {
  readonly pending: PendingStore<PendingCommand>;
  readonly publisher: DockPublisher;
  readonly writer: RecordWriter;
  readonly clock: Clock;
  readonly newTid: () => string;
  readonly metrics: GatewayMetrics;
  readonly log: GatewayLog;
  readonly topics: GatewayTopics;
  readonly settings: CommandSettings;
  readonly stopping: () => boolean;
}

/**
 * Sends the commands of one consumed batch (one partition, so one dock's commands in the order
 * they were queued): each gets a fresh tid and a pending entry with its deadline in Redis, then
 * goes out at QoS 1; the next one only after the broker acknowledged it. Commands the gateway
 * refuses get an `invalid` reply record. The batch resolves (and its offsets are committed)
 * only when all of that is done, so a crash redelivers it: the pending entry, found again by
 * correlation id, makes the redelivery resend the same message (same tid) or skip a finished one.
 */
export class CommandDispatcher {
  constructor(private readonly deps: CommandDispatcherDeps) {}

  async handleBatch(values: readonly (Buffer | null)[]): Promise<void> {
    const refusals: OutgoingRecord[] = [];
    for (const value of values) {
      const refusal = await this.dispatch(value);
      if (refusal) refusals.push(refusal);
    }
    if (refusals.length > 0) await this.retry(() => this.deps.writer.write(refusals));
  }

  /** Sends one command; returns the `invalid` reply record when it was refused. */
  private async dispatch(value: Buffer | null): Promise<OutgoingRecord | undefined> {
    const { clock, metrics, log, settings } = this.deps;
    const decoded = decodeCommand(value);
    if (!decoded.ok) {
      metrics.commandInvalid('malformed');
      if (!decoded.partial) {
        log.warn({ error: decoded.error }, 'command record unreadable; no requester to tell');
        return undefined;
      }
      return this.refuse(decoded.partial, `malformed command record: ${decoded.error}`);
    }
    const command = decoded.command;
    const plan = planCommand(command, this.deps.newTid(), clock.now(), settings);
    if (!plan.ok) {
      metrics.commandInvalid(plan.reason);
      return this.refuse(command, plan.error);
    }
    const entry = plan.pending;
    const added = await this.retry(() =>
      this.deps.pending.add(
        pendingId(entry.gatewaySn, entry.tid),
        entry,
        entry.deadline,
        command.correlationId,
      ),
    );
    if (added.status === 'completed') {
      log.info(
        { correlationId: command.correlationId, tid: added.id },
        'command redelivered after it completed; not sent again',
      );
      return undefined;
    }
    const toSend = added.status === 'pending' ? added.entry : entry;
    await this.retry(() => this.deps.publisher.publish(toSend.topic, toSend.payload));
    metrics.commandSent(toSend.method);
    log.info(
      {
        ...messageContext(toSend.gatewaySn, toSend.tid, toSend.bid, toSend.method),
        correlationId: toSend.correlationId,
        resent: added.status === 'pending',
      },
      'command sent',
    );
    return undefined;
  }

  private refuse(command: CommandIdentity, error: string): OutgoingRecord {
    const { topics, clock, settings, log } = this.deps;
    log.warn(
      {
        ...messageContext(command.gatewaySn, undefined, command.bid, command.method),
        correlationId: command.correlationId,
        error,
      },
      'command refused',
    );
    const record = invalidRecord(command, error, {
      now: clock.now(),
      instanceId: settings.instanceId,
    });
    return {
      topic: topics.commandReplies,
      key: command.gatewaySn,
      value: record,
      headers: { bid: command.bid, method: command.method },
    };
  }

  private retry<T>(operation: () => Promise<T>): Promise<T> {
    return retryUntilStopped(operation, {
      stopping: this.deps.stopping,
      onRetry: (error, attempt) =>
        this.deps.log.warn({ err: error, attempt }, 'command dispatch step failed; retrying'),
    });
  }
}
