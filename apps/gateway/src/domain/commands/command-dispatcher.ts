import { messageContext } from '../shared/message-context';
import { forEachBounded } from '../shared/bounded';
import { GatewayMetrics } from '../shared/gateway-metrics';
import { GatewayTopics } from '../shared/gateway-topics';
import { Clock, DockPublisher, GatewayLog, OutgoingRecord, RecordWriter } from '../shared/ports';
import { retryUntilStopped } from '../shared/retry';
import { PendingCommand } from '../pending/pending-entries';
import { pendingId, PendingStore } from '../pending/pending-store';
import { CommandIdentity, decodeCommand, invalidRecord } from './command-records';
import { CommandToSend, PlannedCommand, planSends, sequencesByDock } from './dock-sequences';
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
  /** Docks whose commands go out at once per consumed batch (default DEFAULT_DOCKS_IN_FLIGHT). */
  readonly docksInFlight?: number;
}

/**
 * Docks whose commands go out at once, per consumed batch. A publish waits for the broker's
 * PUBACK (a round trip); docks are independent, so a batch of many docks costs a few round
 * trips rather than one per command.
 */
export const DEFAULT_DOCKS_IN_FLIGHT = 64;

/**
 * Sends the commands of one consumed batch (one partition: many docks, each dock's commands in
 * the order they were queued). Each command gets a fresh tid and a pending entry with its
 * deadline; the batch's entries are written in one call to the store, before anything goes out.
 * Then every dock's commands go out at QoS 1 in their order (the next only after the broker
 * acknowledged the one before), the docks concurrently. Commands the gateway refuses get an
 * `invalid` reply record. The batch resolves (and its offsets are committed) only when all of
 * that is done, so a crash redelivers it: the pending entry, found again by correlation id,
 * makes the redelivery resend the same message (same tid) or skip a finished one.
 */
export class CommandDispatcher {
  constructor(private readonly deps: CommandDispatcherDeps) {}

  async handleBatch(values: readonly (Buffer | null)[]): Promise<void> {
    const refusals: OutgoingRecord[] = [];
    const planned: PlannedCommand[] = [];
    for (const value of values) {
      const step = this.plan(value);
      if (step?.refusal) refusals.push(step.refusal);
      if (step?.planned) planned.push(step.planned);
    }
    const sending = this.send(planned);
    const telling =
      refusals.length > 0 ? this.retry(() => this.deps.writer.write(refusals)) : undefined;
    // Both settle before the batch does (shutdown waits for them), then the first error wins.
    const [sent, told] = await Promise.allSettled([sending, telling]);
    if (sent.status === 'rejected') throw sent.reason;
    if (told.status === 'rejected') throw told.reason;
  }

  /** Reads one record: a planned command, a refusal record, or nothing (unreadable). */
  private plan(
    value: Buffer | null,
  ): { planned?: PlannedCommand; refusal?: OutgoingRecord } | undefined {
    const { clock, metrics, log, settings } = this.deps;
    const decoded = decodeCommand(value);
    if (!decoded.ok) {
      metrics.commandInvalid('malformed');
      if (!decoded.partial) {
        log.warn({ error: decoded.error }, 'command record unreadable; no requester to tell');
        return undefined;
      }
      return {
        refusal: this.refuse(decoded.partial, `malformed command record: ${decoded.error}`),
      };
    }
    const command = decoded.command;
    const plan = planCommand(command, this.deps.newTid(), clock.now(), settings);
    if (!plan.ok) {
      metrics.commandInvalid(plan.reason);
      return { refusal: this.refuse(command, plan.error) };
    }
    return { planned: { command, entry: plan.pending } };
  }

  /** Records the pending entries, then publishes: docks concurrently, each dock in order. */
  private async send(planned: readonly PlannedCommand[]): Promise<void> {
    if (planned.length === 0) return;
    const outcomes = await this.retry(() =>
      this.deps.pending.addMany(
        planned.map(({ command, entry }) => ({
          id: pendingId(entry.gatewaySn, entry.tid),
          entry,
          deadline: entry.deadline,
          dedupeKey: command.correlationId,
        })),
      ),
    );
    const { sends, completed } = planSends(planned, outcomes);
    for (const { correlationId, tid } of completed) {
      this.deps.log.info(
        { correlationId, tid },
        'command redelivered after it completed; not sent again',
      );
    }
    await forEachBounded(
      sequencesByDock(sends),
      this.deps.docksInFlight ?? DEFAULT_DOCKS_IN_FLIGHT,
      async (sequence) => {
        for (const send of sequence) await this.publish(send);
      },
    );
  }

  private async publish({ entry, resent }: CommandToSend): Promise<void> {
    await this.retry(() => this.deps.publisher.publish(entry.topic, entry.payload));
    this.deps.metrics.commandSent(entry.method);
    this.deps.log.info(
      {
        ...messageContext(entry.gatewaySn, entry.tid, entry.bid, entry.method),
        correlationId: entry.correlationId,
        resent,
      },
      'command sent',
    );
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
