import type { Logger } from 'pino';
import type { UplinkRecord } from '@dock/contracts';
import {
  ConsumedRecord,
  DockRequestReplies,
  DockRequestReplySettings,
  OutgoingMessage,
} from '@dock/kafka';
import {
  BindingRequestDataMap,
  BindingRequestMethod,
  DataValidator,
  isBindingRequestMethod,
  validateAirportBindStatusData,
  validateAirportOrganizationBindData,
  validateAirportOrganizationGetData,
} from '@dock/protocol';
import type { BindingReplyData, BindingService } from '../../application/binding-service';
import { BINDING_RESULT } from '../../domain/binding-results';
import type { RegistryMetrics } from '../../registry-metrics';

/** libs/protocol's request validators: the same ones the gateway checks the dock's data with. */
const REQUEST_VALIDATORS: {
  readonly [M in BindingRequestMethod]: DataValidator<BindingRequestDataMap[M]>;
} = {
  airport_bind_status: validateAirportBindStatusData,
  airport_organization_get: validateAirportOrganizationGetData,
  airport_organization_bind: validateAirportOrganizationBindData,
};

/** A refusal carries no output (see BindingReplyData). */
const MALFORMED: BindingReplyData = { result: BINDING_RESULT.malformedRequest };

export type BindingRequestSettings = DockRequestReplySettings;

/**
 * Answers airport_bind_status, airport_organization_get and airport_organization_bind from
 * dock.uplink.requests: one request-reply record per request on dock.request-replies (the
 * gateway publishes it on requests_reply). Other methods (flighttask_resource_get is the file
 * service's) are skipped. The batch's offsets are committed only once Kafka has every reply, so
 * a crash answers again: bind is idempotent per tid.
 */
export class BindingRequestHandler {
  private readonly replies: DockRequestReplies;

  constructor(
    private readonly binding: BindingService,
    private readonly send: (
      records: { topic: string; message: OutgoingMessage }[],
    ) => Promise<void>,
    settings: BindingRequestSettings,
    private readonly metrics: RegistryMetrics,
    private readonly logger: Logger,
    nowMs: () => number = Date.now,
  ) {
    this.replies = new DockRequestReplies({
      settings,
      answers: isBindingRequestMethod,
      skipped: metrics.skippedRecords,
      logger,
      nowMs,
    });
  }

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    await this.replies.answerAll(
      records,
      (request) => this.answer(request.uplink),
      this.send,
      (request, data, reply) => {
        const { method } = request;
        this.metrics.bindingRequests.inc({ method, result: String(data.result) });
        const errInfos =
          data.output !== undefined && 'err_infos' in data.output
            ? data.output.err_infos
            : undefined;
        for (const info of errInfos ?? []) {
          if (info.err_code !== 0) this.metrics.bindErrors.inc({ err_code: String(info.err_code) });
        }
        this.logger.info(
          {
            dockSn: reply.gatewaySn,
            tid: reply.tid,
            bid: reply.bid,
            method,
            result: data.result,
            errInfos,
          },
          `answered ${method}`,
        );
      },
    );
  }

  private async answer(request: UplinkRecord): Promise<BindingReplyData> {
    const method = request.method as BindingRequestMethod;
    const tid = request.tid as string;
    // The gateway checked the data with these validators already; a record it would never
    // write (another producer, an older gateway) still gets the documented error result.
    switch (method) {
      case 'airport_bind_status': {
        const data = this.parse(request, REQUEST_VALIDATORS.airport_bind_status);
        return data ? this.binding.bindStatus(data) : MALFORMED;
      }
      case 'airport_organization_get': {
        const data = this.parse(request, REQUEST_VALIDATORS.airport_organization_get);
        return data ? this.binding.organizationGet(data) : MALFORMED;
      }
      case 'airport_organization_bind': {
        const data = this.parse(request, REQUEST_VALIDATORS.airport_organization_bind);
        return data ? this.binding.organizationBind(request.gatewaySn, tid, data) : MALFORMED;
      }
    }
  }

  private parse<T>(request: UplinkRecord, validate: DataValidator<T>): T | undefined {
    const decoded = validate(request.data, []);
    if (decoded.ok) return decoded.value;
    this.logger.warn(
      {
        dockSn: request.gatewaySn,
        tid: request.tid,
        method: request.method,
        error: decoded.error.message,
      },
      'malformed binding request answered with an error result',
    );
    return undefined;
  }
}
