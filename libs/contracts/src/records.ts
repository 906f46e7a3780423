import { z } from 'zod';
import { DEFAULT_ORGANIZATION_ID } from './organizations';
import { taskStates } from './task-states';

/**
 * Record schemas of every topic. Producers build these types; consumers validate with the
 * schemas, because a Kafka topic is an input like any other and may hold anything.
 */

const gatewaySn = z.string().min(1).max(64);
const ms = z.number().int().nonnegative();

/** A normalised uplink message (value of every dock.uplink.* topic). */
export const uplinkRecordSchema = z.object({
  schemaVersion: z.literal(1),
  gatewaySn,
  family: z.enum(['events', 'services_reply', 'requests', 'osd', 'state', 'status']),
  /** null for osd and state pushes, which carry no method. */
  method: z.string().nullable(),
  tid: z.string().nullable(),
  bid: z.string().nullable(),
  /** The dock's timestamp (ms), null when it sent none. */
  timestamp: ms.nullable(),
  needReply: z.boolean(),
  /** false for methods this version does not model: data is then exactly as the dock sent it. */
  known: z.boolean(),
  /** When the gateway received it (ms). */
  receivedAt: ms,
  gateway: z.string().optional(),
  /** Protocol traps accepted while normalising (e.g. timestamp_colon_key); absent when none. */
  flags: z.array(z.string()).optional(),
  data: z.unknown(),
});
export type UplinkRecord = z.infer<typeof uplinkRecordSchema>;

export const deadLetterRecordSchema = z.object({
  schemaVersion: z.literal(1),
  receivedAt: ms,
  /** The MQTT topic it came on. */
  topic: z.string(),
  reason: z.object({
    path: z.string(),
    rule: z.string(),
    message: z.string(),
    received: z.unknown().optional(),
  }),
  /** The raw payload, base64, exactly as received (cut at the gateway's limit, see truncated). */
  payloadBase64: z.string(),
  /** Size of the received payload in bytes (before any cut). */
  size: z.number().int().nonnegative(),
  /** true when payloadBase64 holds only the first bytes of an oversized payload. */
  truncated: z.boolean().optional(),
  /** The dock SN from the topic, when the topic had a readable one (also the record key). */
  gatewaySn: z.string().optional(),
});
export type DeadLetterRecord = z.infer<typeof deadLetterRecordSchema>;

/** A service call for one dock (value of dock.commands). */
export const commandRecordSchema = z.object({
  schemaVersion: z.literal(1),
  /** The requester's id for this call; comes back on the reply record. */
  correlationId: z.string().min(1).max(200),
  gatewaySn,
  method: z.string().min(1).max(100),
  /** The business flow id sent as the MQTT bid (e.g. the flight id). */
  bid: z.string().min(1).max(200),
  data: z.unknown(),
  requestedAt: ms,
  /** How long to wait for services_reply; the gateway's default when absent. */
  timeoutMs: z.number().int().positive().max(600_000).optional(),
  requester: z.string().max(100).optional(),
});
export type CommandRecord = z.infer<typeof commandRecordSchema>;

/** The outcome of one command (value of dock.command-replies). */
export const commandReplyRecordSchema = z.object({
  schemaVersion: z.literal(1),
  correlationId: z.string(),
  gatewaySn,
  method: z.string(),
  /** The tid the gateway gave the MQTT service call; null when it was never sent. */
  tid: z.string().nullable(),
  bid: z.string(),
  /** replied: the dock answered (result 0 = accepted); timeout: no answer by the deadline;
   *  invalid: the gateway refused to send it (see error). */
  outcome: z.enum(['replied', 'timeout', 'invalid']),
  result: z.number().int().nullable(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  sentAt: ms.nullable(),
  completedAt: ms,
  roundTripMs: z.number().int().nonnegative().nullable(),
  /** Gateway instance that published the command, and the one that wrote this record. */
  sentBy: z.string().optional(),
  completedBy: z.string().optional(),
});
export type CommandReplyRecord = z.infer<typeof commandReplyRecordSchema>;

/** An answer to a dock request (value of dock.request-replies); the gateway publishes it. */
export const requestReplyRecordSchema = z.object({
  schemaVersion: z.literal(1),
  gatewaySn,
  /** tid and bid of the dock's request, echoed on requests_reply. */
  tid: z.string().min(1),
  bid: z.string(),
  method: z.string().min(1),
  data: z.object({ result: z.number().int() }).passthrough(),
  answeredAt: ms,
  answeredBy: z.string().optional(),
});
export type RequestReplyRecord = z.infer<typeof requestReplyRecordSchema>;

/** A task state change (value of mission.task-events). */
export const taskEventRecordSchema = z.object({
  schemaVersion: z.literal(1),
  flightId: z.string(),
  gatewaySn,
  /** The wayline file the task flies; the file service learns flight -> file from this. */
  waylineId: z.string(),
  /**
   * The organization the task belongs to. Written on every record since organizations exist;
   * absent on older records, which belong to DEFAULT_ORGANIZATION_ID (taskEventOrganization).
   */
  organizationId: z.string().min(1).max(64).optional(),
  taskType: z.number().int(),
  state: z.enum(taskStates),
  previousState: z.enum(taskStates).nullable(),
  cause: z.string(),
  resultCode: z.number().int().nullable(),
  resultMeaning: z.string().nullable().optional(),
  version: z.number().int().nonnegative(),
  at: ms,
});
export type TaskEventRecord = z.infer<typeof taskEventRecordSchema>;

/**
 * A consumed record one service's consumer could not handle after every attempt (value of
 * `<service>.dead-letter`, see KAFKA_TOPICS.consumerDeadLetters). The original record is kept
 * byte for byte (base64), so it can be inspected and replayed.
 */
export const consumerDeadLetterRecordSchema = z.object({
  schemaVersion: z.literal(1),
  /** The service whose consumer gave up on the record. */
  service: z.string().min(1),
  /** The consumer group. */
  group: z.string().min(1),
  /** Where the record was: topic, partition, offset (a decimal string, as Kafka gives it). */
  topic: z.string().min(1),
  partition: z.number().int().nonnegative(),
  offset: z.string().regex(/^\d+$/),
  /** The record's own timestamp (ms since the epoch, a decimal string). */
  timestamp: z.string(),
  /** The original key and value, base64; null when the record had none. */
  key: z.string().nullable(),
  value: z.string().nullable(),
  /** The original headers, each value base64. */
  headers: z.record(z.array(z.string())),
  /** The last failure: the message and, when the error had one, its code (e.g. SQLSTATE 22P05). */
  error: z.object({ message: z.string(), code: z.string().optional() }),
  /** How many times the record was tried alone before it was given up. */
  attempts: z.number().int().positive(),
  /** When it was dead-lettered (ISO 8601). */
  deadLetteredAt: z.string(),
});
export type ConsumerDeadLetterRecord = z.infer<typeof consumerDeadLetterRecordSchema>;

/** The organization of a task event: the one it names, or the default one for older records. */
export function taskEventOrganization(event: Pick<TaskEventRecord, 'organizationId'>): string {
  return event.organizationId ?? DEFAULT_ORGANIZATION_ID;
}
