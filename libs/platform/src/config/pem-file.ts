import { readFileSync } from 'node:fs';

const MARKERS = {
  certificate: { test: /-----BEGIN CERTIFICATE-----/, shown: '-----BEGIN CERTIFICATE-----' },
  // PKCS#8, PKCS#1 (RSA) and SEC1 (EC) keys; an encrypted one is refused apart (no passphrase).
  'private key': {
    test: /-----BEGIN (RSA |EC )?PRIVATE KEY-----/,
    shown: '-----BEGIN PRIVATE KEY-----',
  },
} as const;

export type PemKind = keyof typeof MARKERS;

/**
 * Reads a PEM file named by a setting, so validation at start can name the setting when it is
 * missing or holds something else. Problems never quote the content (it may be a key).
 */
export function readPemFile(file: string, kind: PemKind): { pem: string } | { problem: string } {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { problem: `cannot read ${file} (${reason})` };
  }
  if (kind === 'private key' && pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    return { problem: `${file} holds an encrypted private key; give it unencrypted` };
  }
  const marker = MARKERS[kind];
  if (!marker.test.test(pem)) {
    return { problem: `${file} holds no PEM ${kind} (${marker.shown})` };
  }
  return { pem };
}
