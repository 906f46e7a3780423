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
  'app_key',
  'app_license',
  '*.app_key',
  '*.app_license',
  'data.app_key',
  'data.app_license',
  '*.data.app_key',
  '*.data.app_license',
];

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
