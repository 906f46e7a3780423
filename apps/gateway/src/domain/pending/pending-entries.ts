/** A command sent to a dock, waiting for its services_reply. */
export interface PendingCommand {
  readonly correlationId: string;
  readonly gatewaySn: string;
  readonly method: string;
  readonly tid: string;
  readonly bid: string;
  readonly topic: string;
  /** The exact MQTT payload, so a redelivered command is resent unchanged (same tid). */
  readonly payload: string;
  readonly sentAt: number;
  readonly deadline: number;
  readonly sentBy: string;
  readonly requester?: string;
}

/** A dock request forwarded to Kafka, waiting for the answering service. */
export interface PendingRequest {
  readonly gatewaySn: string;
  readonly tid: string;
  readonly bid: string;
  readonly method: string;
  readonly receivedAt: number;
  readonly deadline: number;
}
