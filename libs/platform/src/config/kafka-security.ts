import { z } from 'zod';
import type { KafkaSecurity } from '@dock/kafka';
import { kafkaSecurityEnv } from './env-fields';
import { ConfigError } from './load-config';
import { readPemFile } from './pem-file';

/** The parsed kafkaSecurityEnv settings. */
export type KafkaSecurityConfig = z.infer<z.ZodObject<typeof kafkaSecurityEnv>>;

const SASL_VARIABLES = [
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
] as const;

/**
 * A schema refinement for schemas that spread kafkaSecurityEnv: SASL settings come as a set,
 * TLS options need KAFKA_SSL=true (a CA file that is silently ignored would leave an operator
 * believing the brokers are verified), and the CA file is readable now rather than at the
 * first connection.
 */
export function refineKafkaSecurity(config: KafkaSecurityConfig, ctx: z.RefinementCtx): void {
  const problem = (variable: string, message: string) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message });

  const given = SASL_VARIABLES.filter((name) => config[name] !== undefined);
  if (given.length > 0 && given.length < SASL_VARIABLES.length) {
    for (const name of SASL_VARIABLES.filter((n) => !given.includes(n))) {
      problem(
        name,
        `is required with ${given.join(' and ')}: SASL needs ${SASL_VARIABLES.join(', ')}`,
      );
    }
  }
  if (!config.KAFKA_SSL) {
    if (config.KAFKA_SSL_CA_FILE !== undefined) {
      problem('KAFKA_SSL_CA_FILE', 'needs KAFKA_SSL=true');
    }
    if (!config.KAFKA_SSL_REJECT_UNAUTHORIZED) {
      problem('KAFKA_SSL_REJECT_UNAUTHORIZED', 'needs KAFKA_SSL=true');
    }
  }
  if (config.KAFKA_SSL_CA_FILE !== undefined) {
    const read = readCaFile(config.KAFKA_SSL_CA_FILE);
    if ('problem' in read) problem('KAFKA_SSL_CA_FILE', read.problem);
  }
}

/** The Kafka security settings alone, for a program whose own schema does not list them. */
export const kafkaSecuritySchema = z.object(kafkaSecurityEnv).superRefine(refineKafkaSecurity);

/**
 * The settings as libs/kafka takes them (plain data), the CA file read. Partial: a schema that
 * does not list the settings yet means PLAINTEXT. A CA file gone since validation is a
 * ConfigError naming the variable.
 */
export function kafkaSecurity(config: Partial<KafkaSecurityConfig>): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (config.KAFKA_SSL) {
    const rejectUnauthorized = config.KAFKA_SSL_REJECT_UNAUTHORIZED ?? true;
    if (config.KAFKA_SSL_CA_FILE === undefined) {
      security.tls = { rejectUnauthorized };
    } else {
      const read = readCaFile(config.KAFKA_SSL_CA_FILE);
      if ('problem' in read) {
        throw new ConfigError([{ variable: 'KAFKA_SSL_CA_FILE', problem: read.problem }]);
      }
      security.tls = { ca: read.pem, rejectUnauthorized };
    }
  }
  const mechanism = config.KAFKA_SASL_MECHANISM;
  const username = config.KAFKA_SASL_USERNAME;
  const password = config.KAFKA_SASL_PASSWORD;
  if (mechanism && username && password) security.sasl = { mechanism, username, password };
  return security;
}

/** For banners and start logs: how the connection is secured, never the password. */
export function describeKafkaSecurity(security: KafkaSecurity): string {
  const parts = [
    security.tls
      ? `TLS${security.tls.ca ? ' (own CA)' : ''}${security.tls.rejectUnauthorized ? '' : ' (certificates NOT verified)'}`
      : 'PLAINTEXT',
  ];
  if (security.sasl) parts.push(`SASL ${security.sasl.mechanism} as ${security.sasl.username}`);
  return parts.join(', ');
}

function readCaFile(file: string): { pem: string } | { problem: string } {
  return readPemFile(file, 'certificate');
}
