import { Kafka, KafkaConfig, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import './kafkajs-request-queue-fix';
import type { Logger } from 'pino';
import { installRecordBatchEncoder } from './kafkajs-record-encoder';

// Before any producer sends: kafkajs takes its record encoders when its produce request loads.
installRecordBatchEncoder();

/** TLS towards the brokers. Without `ca`, Node's default trust store verifies them. */
export interface KafkaTlsSettings {
  /** PEM text of the CA that signed the brokers' certificates (a private CA, e.g. Strimzi's). */
  ca?: string;
  /** false accepts any certificate: a test cluster only, never production. */
  rejectUnauthorized: boolean;
}

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaSaslSettings {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

/**
 * How to reach a secured cluster (MSK, Confluent Cloud, Strimzi), as plain data so that this
 * library needs no configuration framework. Neither part set: PLAINTEXT, as the local broker.
 */
export interface KafkaSecurity {
  tls?: KafkaTlsSettings;
  sasl?: KafkaSaslSettings;
}

export interface KafkaClientSettings extends KafkaSecurity {
  brokers: string[];
  clientId: string;
  logger: Logger;
}

/** kafkajs' `ssl` and `sasl` options; shared with readiness probes so both connect alike. */
export function kafkaSecurityOptions(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security.tls) {
    const { ca, rejectUnauthorized } = security.tls;
    options.ssl = ca === undefined ? { rejectUnauthorized } : { ca: [ca], rejectUnauthorized };
  }
  if (security.sasl) options.sasl = saslOptions(security.sasl);
  return options;
}

/** One case per mechanism: kafkajs types each separately, so the union does not assign. */
function saslOptions({ mechanism, username, password }: KafkaSaslSettings): SASLOptions {
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own logs go through the service's pino logger. */
export function createKafkaClient(settings: KafkaClientSettings): Kafka {
  const logger = settings.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...kafkaSecurityOptions(settings),
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 100, retries: 8 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        logger[levels[level] ?? 'info'](extra, message);
      },
  });
}
