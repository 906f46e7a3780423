import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * MQTT passwords: generated (24 random bytes, base64url), shown once, stored only as
 * PBKDF2-SHA512 with a per-secret salt in Mosquitto's `$7$` format
 * (`$7$<iterations>$<base64 salt>$<base64 hash>`, what mosquitto_passwd writes), so the
 * Mosquitto password file is the stored hashes as they are.
 */
export const MQTT_PASSWORD_ITERATIONS = 20_000;
const SALT_BYTES = 12;
const HASH_BYTES = 64;
const FORMAT = /^\$7\$(\d{1,7})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

export function generateMqttPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** A username nobody can guess either: `<prefix>-<10 random hex>`. */
export function generateMqttUsername(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export async function hashMqttPassword(
  password: string,
  iterations = MQTT_PASSWORD_ITERATIONS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, iterations);
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Constant-time; false for a malformed stored hash (never throws). */
export async function verifyMqttPassword(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const iterations = Number(match[1]);
  const expected = Buffer.from(match[3] as string, 'base64');
  if (iterations < 1 || expected.length !== HASH_BYTES) return false;
  const actual = await derive(password, Buffer.from(match[2] as string, 'base64'), iterations);
  return timingSafeEqual(actual, expected);
}

function derive(password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, iterations, HASH_BYTES, 'sha512', (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}
