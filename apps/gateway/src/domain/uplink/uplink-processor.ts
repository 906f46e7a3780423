import { messageContext } from '../shared/message-context';
import { GatewayMetrics } from '../shared/gateway-metrics';
import { GatewayTopics } from '../shared/gateway-topics';
import { Clock, DockPublisher, GatewayLog, OutgoingRecord, RecordWriter } from '../shared/ports';
import { retryUntilStopped } from '../shared/retry';
import { readServiceReplyData, repliedRecord } from '../commands/command-records';
import { PendingCommand, PendingRequest } from '../pending/pending-entries';
import { ClaimOutcome, pendingId, PendingStore } from '../pending/pending-store';
import {
  decideRequest,
  DockConfigSettings,
  methodLabel,
  replyToRefusedRequest,
  RequestReply,
} from '../requests/immediate-replies';
import { OwedReply, owedReplies } from './owed-replies';
import { refusalReplies } from './refusal-replies';
import { AcceptedMessage, planUplink, UplinkInput, UplinkLimits } from './plan-uplink';

export interface UplinkProcessorDeps {
  readonly writer: RecordWriter;
  readonly publisher: DockPublisher;
  readonly commands: PendingStore<PendingCommand>;
  readonly requests: PendingStore<PendingRequest>;
  readonly clock: Clock;
  readonly metrics: GatewayMetrics;
  readonly log: GatewayLog;
  readonly topics: GatewayTopics;
  readonly limits: UplinkLimits;
  readonly requestTimeoutMs: number;
  /** What the gateway answers `config` with. */
  readonly dockConfig: DockConfigSettings;
  readonly instanceId: string;
  readonly stopping: () => boolean;
}

/**
 * Handles one dock message from receipt to the moment it may be acknowledged to the broker.
 * The returned promise resolves only when everything the message causes is durable:
 * its Kafka record (or dead letter) is acknowledged by Kafka, a matched command reply is
 * written, a forwarded request is recorded as pending, and the replies owed to the dock are
 * published. The owed replies (events_reply, status_reply, state_reply) and the answers to
 * requests the gateway answers itself (config, not supported, unreadable) go out at once,
 * beside the Kafka write rather than after it: a dock waits for them, and the message itself
 * stays unacknowledged at the broker until Kafka has it.
 * It rejects (StoppingError) only when the service stops first: the message then stays
 * unacknowledged and the broker redelivers it (a reply already sent is then sent again, which
 * a dock ignores: it settles a tid once).
 */
export class UplinkProcessor {
  constructor(private readonly deps: UplinkProcessorDeps) {}

  async handle(input: UplinkInput): Promise<void> {
    const { metrics, log } = this.deps;
    const plan = planUplink(input, this.deps.topics, this.deps.limits);
    if (plan.kind === 'rejected') {
      metrics.deadLettered(plan.reason);
      log.warn(
        {
          topic: input.topic,
          reason: plan.reason,
          error: plan.failure.message,
          size: input.payload.length,
        },
        'uplink message refused; sent to the dead-letter topic',
      );
      // Refused, but a dock that asked for a reply must not be left waiting: it is told no. A
      // request whose envelope still reads gets its method's own answer (config its licence);
      // anything else that asked for a reply gets the refusal result.
      const now = this.deps.clock.now();
      const { maxPayloadBytes } = this.deps.limits;
      const owed = replyToRefusedRequest(
        input.topic,
        input.payload,
        this.deps.dockConfig,
        now,
        maxPayloadBytes,
      );
      await Promise.all([
        this.write([plan.record]),
        owed
          ? this.sendRequestReply(owed)
          : this.publishReplies(refusalReplies(input, maxPayloadBytes, now)),
      ]);
      return;
    }
    const { message } = plan;
    metrics.received(message.family);
    const records: OutgoingRecord[] = [plan.record];
    const onCommandReply =
      message.family === 'services_reply' ? await this.claimCommand(message) : undefined;
    if (onCommandReply) records.push(onCommandReply.record);
    let immediate: RequestReply | undefined;
    if (message.family === 'requests') {
      const decision = decideRequest(message, this.deps.dockConfig, this.deps.clock.now());
      if (decision.kind === 'forward') await this.recordPendingRequest(message, input.receivedAt);
      else immediate = decision.reply;
    }

    // The replies the protocol owes go out beside the Kafka write, not after it: the message
    // stays unacknowledged at the broker until Kafka has it, so a crash in between loses
    // nothing (the broker redelivers, the dock gets the reply again and settles its tid once).
    await Promise.all([
      this.write(records),
      immediate && this.sendRequestReply(immediate),
      this.publishReplies(owedReplies(message, this.deps.clock.now())),
    ]);

    if (onCommandReply) await onCommandReply.complete();
  }

  private async publishReplies(replies: readonly OwedReply[]): Promise<void> {
    for (const reply of replies) {
      await this.retry(() => this.deps.publisher.publish(reply.topic, reply.payload));
      this.deps.metrics.replySent(reply.type);
    }
  }

  /**
   * Claims the pending command this services_reply answers. Claimed: the caller writes the reply
   * record with the uplink record (one Kafka request), then completes the entry. Not claimed:
   * late, duplicate or forged; counted and logged, never forwarded as a command reply.
   */
  private async claimCommand(
    message: AcceptedMessage,
  ): Promise<{ record: OutgoingRecord; complete: () => Promise<void> } | undefined> {
    const { commands, clock, metrics, log, instanceId, topics } = this.deps;
    const id = pendingId(message.gatewaySn, message.tid);
    const receivedAt = clock.now();
    const claim: ClaimOutcome<PendingCommand> = await this.retry(() =>
      commands.claim(id, receivedAt),
    );
    const context = messageContext(message.gatewaySn, message.tid, message.bid, message.method);
    if (!claim.claimed) {
      metrics.orphanReply('command', claim.reason);
      log.warn(
        { ...context, reason: claim.reason },
        'services_reply matches no pending command (late, duplicate or forged); not forwarded',
      );
      return undefined;
    }
    const pending = claim.entry;
    const answer = readServiceReplyData(message.data);
    const value = repliedRecord(
      pending,
      { ...answer, receivedAt },
      { now: receivedAt, instanceId },
    );
    return {
      record: {
        topic: topics.commandReplies,
        key: pending.gatewaySn,
        value,
        headers: { tid: pending.tid, bid: pending.bid, method: pending.method },
      },
      complete: async () => {
        const completed = await this.retry(() => commands.complete(id));
        metrics.replyMatched('replied');
        log.info(
          { ...context, correlationId: pending.correlationId, result: answer.result, completed },
          'command reply matched',
        );
      },
    };
  }

  private async sendRequestReply(reply: RequestReply): Promise<void> {
    await this.retry(() => this.deps.publisher.publish(reply.topic, reply.payload));
    this.deps.metrics.replySent('requests_reply');
    this.deps.metrics.requestReplied(methodLabel(reply.method), reply.outcome);
  }

  /** Recorded before the Kafka write, so the answer can never arrive before its entry. */
  private async recordPendingRequest(message: AcceptedMessage, receivedAt: number): Promise<void> {
    const deadline = receivedAt + this.deps.requestTimeoutMs;
    const entry: PendingRequest = {
      gatewaySn: message.gatewaySn,
      tid: message.tid,
      bid: message.bid,
      method: message.method ?? '',
      receivedAt,
      deadline,
    };
    await this.retry(() =>
      this.deps.requests.add(pendingId(message.gatewaySn, message.tid), entry, deadline),
    );
  }

  private write(records: OutgoingRecord[]): Promise<void> {
    return this.retry(() => this.deps.writer.write(records), true);
  }

  private retry<T>(operation: () => Promise<T>, isWrite = false): Promise<T> {
    return retryUntilStopped(operation, {
      stopping: this.deps.stopping,
      onRetry: (error, attempt) => {
        if (isWrite) this.deps.metrics.writeRetried();
        this.deps.log.warn({ err: error, attempt }, 'uplink step failed; retrying');
      },
    });
  }
}
