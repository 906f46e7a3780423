import type { Logger } from 'pino';
import {
  ConsumedRecord,
  DockRequest,
  DockRequestReplies,
  DockRequestReplySettings,
  OutgoingMessage,
} from '@dock/kafka';
import {
  FlightResources,
  RESOURCE_UNAVAILABLE_RESULT,
  ResourceReplyData,
} from '../../domain/flights/flight-resources';
import type { FileMetrics } from '../../file-metrics';

export const RESOURCE_GET_METHOD = 'flighttask_resource_get';

export type ResourceRequestSettings = DockRequestReplySettings;

/**
 * Answers the docks' flighttask_resource_get requests of one consumed batch: one reply record
 * per request, keyed by the dock's SN, with its tid and bid. Records that are malformed or not
 * ours are logged, counted and skipped; they never fail the batch.
 */
export class ResourceRequestHandler {
  private readonly replies: DockRequestReplies;

  constructor(
    private readonly resources: FlightResources,
    private readonly send: (
      records: { topic: string; message: OutgoingMessage }[],
    ) => Promise<void>,
    settings: ResourceRequestSettings,
    private readonly metrics: FileMetrics,
    private readonly logger: Logger,
    nowMs: () => number = Date.now,
  ) {
    this.replies = new DockRequestReplies({
      settings,
      answers: (method) => method === RESOURCE_GET_METHOD,
      skipped: metrics.skippedRecords,
      logger,
      nowMs,
    });
  }

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    await this.replies.answerAll(
      records,
      // Only the asking dock's own flight gets a URL (its SN: the topic it asked on).
      (request) => this.answer(flightIdOf(request), request.uplink.gatewaySn),
      this.send,
      (request, data, reply) => {
        this.metrics.resourceRequests.inc({ result: String(data.result) });
        this.logger.info(
          {
            dockSn: reply.gatewaySn,
            tid: reply.tid,
            bid: reply.bid,
            flightId: flightIdOf(request),
            result: data.result,
          },
          'answered flighttask_resource_get',
        );
      },
    );
  }

  /** Unknown flights and another dock's are answered alike (RESOURCE_UNAVAILABLE_RESULT). */
  private async answer(
    flightId: string | undefined,
    gatewaySn: string,
  ): Promise<ResourceReplyData> {
    if (flightId === undefined) return { result: RESOURCE_UNAVAILABLE_RESULT };
    return this.resources.resolve(flightId, gatewaySn);
  }
}

function flightIdOf(request: DockRequest): string | undefined {
  const data = request.uplink.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const flightId = (data as { flight_id?: unknown }).flight_id;
  return typeof flightId === 'string' && flightId.length > 0 ? flightId : undefined;
}
