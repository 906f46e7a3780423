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

/** kafkajs errors that mean the cluster is (for now) unreachable or electing. */
const TRANSIENT_KAFKA_NAMES: ReadonlySet<string> = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  // typeorm and ioredis: the connection went away under the handler.
  'QueryRunnerAlreadyReleasedError',
  'ConnectionIsNotSetError',
  'MaxRetriesPerRequestError',
  // A handler cut short because its process is stopping: the next owner handles the record.
  'AbortError',
]);

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
    name?: unknown;
    message?: unknown;
    retriable?: unknown;
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
  if (typeof e.name === 'string' && TRANSIENT_KAFKA_NAMES.has(e.name)) return true;
  if (typeof e.name === 'string' && e.name.startsWith('KafkaJS') && e.retriable === true) {
    return true;
  }
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
