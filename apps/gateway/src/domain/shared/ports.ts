/**
 * The narrow interfaces the gateway's domain logic needs from the outside world. Adapters
 * (MQTT, Kafka, Redis, prom-client) implement them; the domain never imports those libraries.
 */

/** Header values of one Kafka record (see HEADERS in @dock/contracts). */
export interface OutgoingHeaders {
  readonly tid?: string | null;
  readonly bid?: string | null;
  readonly method?: string | null;
  readonly family?: string | null;
}

/** One record for Kafka: JSON value, keyed by the dock's SN. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: unknown;
  readonly headers: OutgoingHeaders;
}

/** Writes records to Kafka; resolves only when Kafka acknowledged every one of them. */
export interface RecordWriter {
  write(records: readonly OutgoingRecord[]): Promise<void>;
}

/** Publishes to docks at QoS 1; resolves when the broker acknowledged (PUBACK). */
export interface DockPublisher {
  publish(topic: string, payload: string): Promise<void>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Counts work in progress so shutdown can wait for it; refuses new work while draining. */
export interface WorkTracker {
  readonly isAccepting: boolean;
  track<T>(work: () => Promise<T>): Promise<T>;
}

/** Log lines with per-message context; pino's Logger satisfies it. */
export interface GatewayLog {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}
