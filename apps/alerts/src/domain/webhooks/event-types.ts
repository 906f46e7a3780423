/** Every event type a subscription may ask for (documented in apps/alerts/README.md). */
export const WEBHOOK_EVENT_TYPES = [
  'task.state_changed',
  'flight.progress',
  'flight.return_home_path',
  'flight.exit_homing',
  'hms.alert_raised',
  'hms.alert_cleared',
  'device.online',
  'device.offline',
  'media.file_received',
  'media.flight_complete',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * One event to deliver, before fan-out to subscriptions. `id` is stable for the same source
 * record (receivers deduplicate on it); `orderingKey` is the flight (or the dock when there is
 * none): deliveries of one key reach a subscriber in order.
 */
export interface WebhookEvent {
  readonly id: string;
  readonly type: WebhookEventType;
  readonly organizationId: string;
  readonly gatewaySn: string;
  readonly flightId: string | null;
  readonly orderingKey: string;
  /** When it happened (ms): the dock's or the producer's time. */
  readonly occurredAt: number;
  readonly data: Record<string, unknown>;
}

/** The JSON body a subscriber receives. */
export function webhookBody(event: WebhookEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    occurredAt: new Date(event.occurredAt).toISOString(),
    organizationId: event.organizationId,
    gatewaySn: event.gatewaySn,
    flightId: event.flightId,
    data: event.data,
  });
}
