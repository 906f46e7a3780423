import { z } from 'zod';
import { booleanFlag } from './env-fields';
import { ConfigError } from './load-config';
import { readPemFile } from './pem-file';

/**
 * TLS towards the MQTT broker (an `mqtts://` or `wss://` MQTT_URL): the CA that signed the
 * broker's certificate and, for brokers that require one, a client certificate. Schemas that
 * spread these also call refineMqttTls, which checks that they fit together and that the files
 * can be read at start. The files come from a mounted Secret; their content is never logged.
 */
export const mqttTlsEnv = {
  /** A PEM file of the CA that signed the broker's certificate; default: Node's trust store. */
  MQTT_CA_FILE: z.string().min(1).optional(),
  /** The client certificate (PEM), for brokers with `require_certificate` / `verify_peer`. */
  MQTT_CERT_FILE: z.string().min(1).optional(),
  /** Its private key (PEM, unencrypted). */
  MQTT_KEY_FILE: z.string().min(1).optional(),
  /** false accepts any broker certificate: for a test broker only. */
  MQTT_REJECT_UNAUTHORIZED: booleanFlag(true),
};

export type MqttTlsConfig = z.infer<z.ZodObject<typeof mqttTlsEnv>> & { MQTT_URL: string };

/** What MQTT.js passes on to tls.connect (PEM text), or nothing for a plain connection. */
export interface MqttTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly rejectUnauthorized: boolean;
}

const TLS_PROTOCOLS = ['mqtts:', 'wss:'];
const FILES = [
  ['MQTT_CA_FILE', 'certificate'],
  ['MQTT_CERT_FILE', 'certificate'],
  ['MQTT_KEY_FILE', 'private key'],
] as const;

export function isTlsMqttUrl(url: string): boolean {
  try {
    return TLS_PROTOCOLS.includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/**
 * A schema refinement: TLS settings need a TLS URL (a CA file silently ignored on `mqtt://`
 * would leave an operator believing the broker is verified), the client certificate and key
 * come as a pair, and every file is readable and holds what it should.
 */
export function refineMqttTls(config: MqttTlsConfig, ctx: z.RefinementCtx): void {
  const problem = (variable: string, message: string) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message });

  if (!isTlsMqttUrl(config.MQTT_URL)) {
    for (const [variable] of FILES) {
      if (config[variable] !== undefined) problem(variable, 'needs an mqtts:// or wss:// MQTT_URL');
    }
    if (!config.MQTT_REJECT_UNAUTHORIZED) {
      problem('MQTT_REJECT_UNAUTHORIZED', 'needs an mqtts:// or wss:// MQTT_URL');
    }
    return;
  }
  if ((config.MQTT_CERT_FILE === undefined) !== (config.MQTT_KEY_FILE === undefined)) {
    const missing = config.MQTT_CERT_FILE === undefined ? 'MQTT_CERT_FILE' : 'MQTT_KEY_FILE';
    const given = missing === 'MQTT_CERT_FILE' ? 'MQTT_KEY_FILE' : 'MQTT_CERT_FILE';
    problem(
      missing,
      `is required with ${given}: a client certificate needs MQTT_CERT_FILE and MQTT_KEY_FILE`,
    );
  }
  for (const [variable, kind] of FILES) {
    const file = config[variable];
    if (file === undefined) continue;
    const read = readPemFile(file, kind);
    if ('problem' in read) problem(variable, read.problem);
  }
}

/**
 * The TLS options for MQTT.js, the files read now; undefined for a plain URL. A file gone
 * since validation is a ConfigError naming the variable.
 */
export function mqttTls(config: MqttTlsConfig): MqttTls | undefined {
  if (!isTlsMqttUrl(config.MQTT_URL)) return undefined;
  const pem: { ca?: string; cert?: string; key?: string } = {};
  const option = { MQTT_CA_FILE: 'ca', MQTT_CERT_FILE: 'cert', MQTT_KEY_FILE: 'key' } as const;
  for (const [variable, kind] of FILES) {
    const file = config[variable];
    if (file === undefined) continue;
    const read = readPemFile(file, kind);
    if ('problem' in read) throw new ConfigError([{ variable, problem: read.problem }]);
    pem[option[variable]] = read.pem;
  }
  return { ...pem, rejectUnauthorized: config.MQTT_REJECT_UNAUTHORIZED };
}

/** For start logs: how the broker connection is secured, never the key. */
export function describeMqttTls(tls: MqttTls | undefined): string {
  if (!tls) return 'plain';
  const parts = [`TLS${tls.ca ? ' (own CA)' : ''}`];
  if (tls.cert) parts.push('client certificate');
  if (!tls.rejectUnauthorized) parts.push('broker certificate NOT verified');
  return parts.join(', ');
}

/** Node's TLS error codes for a broker certificate that could not be verified. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * What an operator should check after an MQTT connection error, when it is a TLS one: a
 * broker certificate not trusted, or a handshake the broker refused (often a client
 * certificate it requires or does not accept). Undefined for other errors.
 */
export function mqttTlsHint(error: unknown): string | undefined {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code && UNTRUSTED.has(code)) {
    return `the broker's certificate is not trusted (${code}): check MQTT_CA_FILE and that the certificate names the MQTT_URL host`;
  }
  if (
    (code ?? '').startsWith('ERR_SSL_') ||
    /alert (handshake failure|certificate required|bad certificate|unknown ca)/i.test(message ?? '')
  ) {
    return `the broker refused the TLS handshake (${code ?? message}): it may require a client certificate it trusts (MQTT_CERT_FILE, MQTT_KEY_FILE)`;
  }
  return undefined;
}
