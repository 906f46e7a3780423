import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import * as kafkajs from 'kafkajs';
import {
  KafkaJSBrokerNotFound,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSLockTimeout,
  KafkaJSMetadataNotLoaded,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSRequestTimeoutError,
} from 'kafkajs';
import { ConnectionIsNotSetError, QueryRunnerAlreadyReleasedError } from 'typeorm';

/**
 * Why a consumer's handler failed, as far as retrying is concerned:
 * - `transient`: a dependency is away (database down, connection dropped, timeout, Kafka not
 *   available). Retrying later will work: the batch is retried with backoff without limit and
 *   nothing is dead-lettered (readiness reports the stall).
 * - `permanent`: the record itself cannot be handled (a PostgreSQL data exception such as an
 *   invalid byte sequence, a decode or validation error). Retrying cannot help: after a bounded
 *   number of attempts the record alone goes to the dead-letter topic.
 * Anything not recognised as transient is permanent, so a record that keeps failing for a reason
 * nobody foresaw cannot stall its partition for ever; services that know better add their own
 * classifier (ConsumerGuardOptions.classify).
 */
export type ErrorClass = 'transient' | 'permanent';

/** A service's own view; `undefined` leaves the decision to the default classification. */
export type ErrorClassifier = (error: unknown) => ErrorClass | undefined;

/** Socket-level failures of Node's net/dns layers: the peer is away, not the record bad. */
const TRANSIENT_SYSTEM_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ESOCKETTIMEDOUT',
  // Node's own AbortError (timers, events, streams given a signal): see isAbort.
  'ABORT_ERR',
]);

/**
 * PostgreSQL SQLSTATEs that say "try again": whole classes (08 connection exception, 53
 * insufficient resources, 57 operator intervention such as admin shutdown, 58 system error)
 * and single codes (serialization failure, deadlock, lock not available, query canceled by a
 * statement timeout).
 */
const TRANSIENT_SQLSTATE_CLASSES: ReadonlySet<string> = new Set(['08', '53', '57', '58']);
const TRANSIENT_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01', '55P03', '55006']);

/** Messages of drivers and pools that carry no code (pg, typeorm, kafkajs). */
const TRANSIENT_MESSAGES: readonly RegExp[] = [
  /connection terminated/i,
  /connection (?:refused|reset|closed|lost)/i,
  /timeout exceeded when trying to connect/i,
  /\btimed? ?out\b/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /driver not connected/i,
  /database system is (?:starting up|shutting down)/i,
  /the bus is closed/i,
  /client was closed and is not queryable/i,
  /stream isn't writeable/i,
];

/**
 * Errors that mean a dependency is (for now) unreachable, by class: kafkajs (the cluster is
 * unreachable or electing; KafkaJSConnectionClosedError is a KafkaJSConnectionError), typeorm
 * and ioredis (the connection went away under the handler).
 */
const TRANSIENT_ERROR_CLASSES: readonly (abstract new (...args: never[]) => object)[] = [
  KafkaJSConnectionError,
  KafkaJSRequestTimeoutError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSBrokerNotFound,
  KafkaJSLockTimeout,
  KafkaJSMetadataNotLoaded,
  (kafkajs as unknown as { KafkaJSNoBrokerAvailableError: new () => Error })
    .KafkaJSNoBrokerAvailableError,
  QueryRunnerAlreadyReleasedError,
  ConnectionIsNotSetError,
  MaxRetriesPerRequestError,
];

/** A handler cut short because its process is stopping: the next owner handles the record. */
function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.code === DOMException.ABORT_ERR;
}

/**
 * The default classification: looks through wrappers (cause, originalError, driverError,
 * AggregateError.errors) for anything transient.
 */
export function classifyConsumerError(error: unknown): ErrorClass {
  return isTransient(error, 0) ? 'transient' : 'permanent';
}

/** A service's classifier first, then the default one. */
export function withClassifier(classify?: ErrorClassifier): (error: unknown) => ErrorClass {
  return (error) => classify?.(error) ?? classifyConsumerError(error);
}

function isTransient(error: unknown, depth: number): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) {
    return typeof error === 'string' && TRANSIENT_MESSAGES.some((pattern) => pattern.test(error));
  }
  const e = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    originalError?: unknown;
    driverError?: unknown;
    errors?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code !== undefined) {
    if (TRANSIENT_SYSTEM_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) {
      // A SQLSTATE decides on its own: a data exception (22xxx) stays permanent even if its
      // message happened to mention a timeout.
      return TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
    }
  }
  if (TRANSIENT_ERROR_CLASSES.some((type) => error instanceof type) || isAbort(error)) return true;
  if (error instanceof KafkaJSError && error.retriable) return true;
  if (
    typeof e.message === 'string' &&
    TRANSIENT_MESSAGES.some((p) => p.test(e.message as string))
  ) {
    return true;
  }
  const nested = [
    e.cause,
    e.originalError,
    e.driverError,
    ...(Array.isArray(e.errors) ? e.errors : []),
  ];
  return nested.some((inner) => inner !== undefined && isTransient(inner, depth + 1));
}
