/**
 * Kafka topic names: the public contract between the gateway, the services and other internal
 * systems (see docs/asyncapi.yaml). Every record is keyed by the dock's gateway SN so one dock's
 * records stay in order within a partition.
 */
export const KAFKA_TOPICS = {
  /** Normalised uplink, one topic per MQTT message family. */
  uplink: {
    events: 'dock.uplink.events',
    services_reply: 'dock.uplink.services-reply',
    requests: 'dock.uplink.requests',
    osd: 'dock.uplink.osd',
    state: 'dock.uplink.state',
    status: 'dock.uplink.status',
  },
  /** Uplink input the gateway refused, with the raw payload, its topic and the reason. */
  deadLetter: 'dock.uplink.dead-letter',
  /** Service calls for docks (written by the mission service, consumed by the gateway). */
  commands: 'dock.commands',
  /** Outcome of each command: the dock's services_reply, or a timeout (written by the gateway). */
  commandReplies: 'dock.command-replies',
  /** Answers to dock requests such as flighttask_resource_get (written by the file service). */
  requestReplies: 'dock.request-replies',
  /** Every task state change (written by the mission service). */
  taskEvents: 'mission.task-events',
  /**
   * Device presence (online/offline), topology and binding changes (written by the registry
   * service).
   */
  deviceEvents: 'registry.device-events',
  /** HMS (health) alerts raised and cleared, per device (written by the alerts service). */
  hmsAlerts: 'alerts.hms',
  /** Flight media: each file recorded and each flight's media status (written by the media service). */
  mediaRecords: 'media.records',
  /**
   * Per service: consumed records that failed every attempt (a poison record), with the error,
   * written by that service's consumers so their partition moves on (libs/kafka GuardedBus).
   */
  consumerDeadLetters: {
    gateway: 'gateway.dead-letter',
    mission: 'mission.dead-letter',
    telemetry: 'telemetry.dead-letter',
    file: 'file.dead-letter',
    registry: 'registry.dead-letter',
    alerts: 'alerts.dead-letter',
    media: 'media.dead-letter',
  },
} as const;

export type ConsumingService = keyof typeof KAFKA_TOPICS.consumerDeadLetters;

export type UplinkFamily = keyof typeof KAFKA_TOPICS.uplink;

/** Default partition counts; production raises them (see docs/performance.md). */
export const DEFAULT_PARTITIONS: Record<string, number> = {
  [KAFKA_TOPICS.uplink.events]: 6,
  [KAFKA_TOPICS.uplink.services_reply]: 3,
  [KAFKA_TOPICS.uplink.requests]: 3,
  [KAFKA_TOPICS.uplink.osd]: 6,
  [KAFKA_TOPICS.uplink.state]: 3,
  [KAFKA_TOPICS.uplink.status]: 3,
  [KAFKA_TOPICS.deadLetter]: 1,
  [KAFKA_TOPICS.commands]: 6,
  [KAFKA_TOPICS.commandReplies]: 3,
  [KAFKA_TOPICS.requestReplies]: 3,
  [KAFKA_TOPICS.taskEvents]: 3,
  [KAFKA_TOPICS.deviceEvents]: 3,
  [KAFKA_TOPICS.hmsAlerts]: 3,
  [KAFKA_TOPICS.mediaRecords]: 3,
  ...Object.fromEntries(Object.values(KAFKA_TOPICS.consumerDeadLetters).map((t) => [t, 1])),
};

/** Header names carried by every record. */
export const HEADERS = {
  schemaVersion: 'schema-version',
  tid: 'tid',
  bid: 'bid',
  method: 'method',
  family: 'family',
  contentType: 'content-type',
} as const;

export const SCHEMA_VERSION = 1;
