import { RequestsReplyData } from '@dock/protocol';
import { messageContext } from '../shared/message-context';
import { GatewayMetrics } from '../shared/gateway-metrics';
import { Clock, DockPublisher, GatewayLog } from '../shared/ports';
import { retryUntilStopped } from '../shared/retry';
import { PendingRequest } from '../pending/pending-entries';
import { pendingId, PendingStore } from '../pending/pending-store';
import { decodeRequestReply, requestsReplyFor } from './request-replies';
import { methodLabel } from './immediate-replies';

export interface RequestAnswererDeps {
  readonly requests: PendingStore<PendingRequest>;
  readonly publisher: DockPublisher;
  readonly clock: Clock;
  readonly metrics: GatewayMetrics;
  readonly log: GatewayLog;
  readonly stopping: () => boolean;
}

/**
 * Publishes requests_reply for the answers the answering services (REQUEST_ROUTES: the file
 * service, the registry) wrote to dock.request-replies, checked per method by the protocol. Whichever replica consumes an answer claims its pending request first:
 * an answer that comes after the deadline (the dock was already told its failure result) or twice is
 * dropped, so a dock never gets two replies to one request.
 */
export class RequestAnswerer {
  constructor(private readonly deps: RequestAnswererDeps) {}

  async handleBatch(values: readonly (Buffer | null)[]): Promise<void> {
    for (const value of values) await this.answer(value);
  }

  private async answer(value: Buffer | null): Promise<void> {
    const { requests, publisher, clock, metrics, log } = this.deps;
    const decoded = decodeRequestReply(value);
    if (!decoded.ok) {
      metrics.orphanReply('request', 'malformed');
      log.warn({ error: decoded.error }, 'request reply record unreadable; skipped');
      return;
    }
    const { reply } = decoded;
    const context = messageContext(reply.gatewaySn, reply.tid, reply.bid, reply.method);
    const id = pendingId(reply.gatewaySn, reply.tid);
    const claim = await this.retry(() => requests.claim(id, clock.now()));
    if (!claim.claimed) {
      metrics.orphanReply('request', claim.reason);
      log.warn(
        { ...context, reason: claim.reason },
        'request answer matches no pending request (late or duplicate); not sent',
      );
      return;
    }
    const message = requestsReplyFor(claim.entry, reply.data as RequestsReplyData, clock.now());
    if (message) {
      await this.retry(() => publisher.publish(message.topic, message.payload));
      metrics.replySent('requests_reply');
      metrics.requestReplied(methodLabel(message.method), message.outcome);
      if (!message.asAnswered) {
        log.warn(
          { ...context, error: message.error },
          'answer refused by the protocol; failure sent',
        );
      }
    }
    await this.retry(() => requests.complete(id));
    log.info({ ...context, answeredBy: reply.answeredBy }, 'requests_reply sent');
  }

  private retry<T>(operation: () => Promise<T>): Promise<T> {
    return retryUntilStopped(operation, {
      stopping: this.deps.stopping,
      onRetry: (error, attempt) =>
        this.deps.log.warn({ err: error, attempt }, 'request answer step failed; retrying'),
    });
  }
}
