import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths never written to logs. Docks send `device_secret` in update_topo; operators configure
 * broker passwords (MQTT, Kafka SASL) and bearer tokens; signed URLs carry their signature in
 * the query string.
 */
export const REDACTED_PATHS = [
  'password',
  'secret',
  'token',
  'authorization',
  'device_secret',
  '*.password',
  '*.secret',
  '*.token',
  '*.authorization',
  '*.device_secret',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'data.device_secret',
  'data.sub_devices[*].device_secret',
  'payload.data.device_secret',
  'payload.data.sub_devices[*].device_secret',
  // The Kafka SASL password: a config object or kafkajs options logged whole, at any of the
  // depths where the services keep them ('password' and '*.password' cover the shallower ones).
  'KAFKA_SASL_PASSWORD',
  '*.KAFKA_SASL_PASSWORD',
  '*.sasl.password',
  '*.*.sasl.password',
  // The DJI Cloud API licence triple (gateway settings) and the config reply that carries it.
  'DJI_APP_KEY',
  'DJI_APP_LICENSE',
  '*.DJI_APP_KEY',
  '*.DJI_APP_LICENSE',
  // The broker password the registry hands remote controllers (Pilot 2 access page).
  'PILOT_MQTT_PASSWORD',
  '*.PILOT_MQTT_PASSWORD',
  'app_key',
  'app_license',
  '*.app_key',
  '*.app_license',
  'data.app_key',
  'data.app_license',
  '*.data.app_key',
  '*.data.app_license',
];

/**
 * Fields of an error that hold the values a failed database query was given: TypeORM's
 * QueryFailedError keeps the query's `parameters` (once a valid signed download link), and
 * PostgreSQL's `detail` and `where` repeat values ("Key (id)=(...) already exists").
 */
const ERROR_VALUE_FIELDS = new Set(['parameters', 'detail', 'where']);

/**
 * pino's error serializer, then every value-carrying field redacted, however deep, and each
 * query parameter cut out of the messages that quote it (PostgreSQL's `invalid input syntax
 * for type uuid: "<value>"`).
 */
export function serializeError(error: unknown, queryValues?: unknown[]): unknown {
  const parameters = queryParameters(
    queryValues ?? (error as { parameters?: unknown } | null)?.parameters,
  );
  const serialized: unknown =
    error instanceof Error ? pino.stdSerializers.err(error) : (error as unknown);
  return withoutValues(serialized, parameters, 0);
}

function queryParameters(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .map((value) => (typeof value === 'string' ? value : JSON.stringify(value ?? null)))
    .filter((value) => value.length >= 4)
    .sort((a, b) => b.length - a.length);
}

function withoutValues(value: unknown, parameters: string[], depth: number): unknown {
  if (typeof value === 'string') {
    return parameters.reduce((text, parameter) => text.split(parameter).join('[redacted]'), value);
  }
  if (typeof value !== 'object' || value === null || depth > 5) return value;
  if (Array.isArray(value)) return value.map((item) => withoutValues(item, parameters, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] =
      ERROR_VALUE_FIELDS.has(key) && field !== undefined && field !== null
        ? '[redacted]'
        : withoutValues(
            field instanceof Error ? pino.stdSerializers.err(field) : field,
            parameters,
            depth + 1,
          );
  }
  return out;
}

export interface LoggerSettings {
  service: string;
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to read what was written. */
  destination?: DestinationStream;
}

/** The one logger factory: JSON lines with service name, ISO time and redaction. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
    formatters: { level: (label) => ({ level: label }) },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

/** Per-message context: every line about one dock message carries the dock SN, tid and bid. */
export interface MessageContext {
  dockSn?: string;
  tid?: string;
  bid?: string;
  method?: string | null;
}

export function messageLogger(logger: Logger, context: MessageContext): Logger {
  const bindings: Record<string, string> = {};
  if (context.dockSn) bindings.dockSn = context.dockSn;
  if (context.tid) bindings.tid = context.tid;
  if (context.bid) bindings.bid = context.bid;
  if (context.method) bindings.method = context.method;
  return logger.child(bindings);
}
