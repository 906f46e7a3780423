/** One dock message as the intake hands it over. */
export interface UplinkDelivery {
  readonly topic: string;
  readonly payload: Buffer;
  readonly receivedAt: number;
}

/**
 * Resolves when the message may be acknowledged to the broker. A rejection leaves it
 * unacknowledged (the broker redelivers it to this session when it reconnects).
 */
export type DeliveryHandler = (delivery: UplinkDelivery) => Promise<void>;

/** The MQTT side of the uplink: swappable (MQTT 5 pool, an MQTT 3.1.1 / embedded broker). */
export interface MqttIntake {
  start(handler: DeliveryHandler): Promise<void>;
  /**
   * Stops taking messages, waits (up to the timeout) for those being handled to be
   * acknowledged, then closes the connections; unacknowledged ones stay at the broker.
   */
  stop(timeoutMs: number): Promise<void>;
  /** Connections up, out of how many. */
  readonly connected: number;
  readonly size: number;
  /** Messages received and not yet acknowledged. */
  readonly unacknowledged: number;
}
