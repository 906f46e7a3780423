import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './k8s';

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  healthcheck?: { test?: string[] | string; disable?: boolean; [k: string]: unknown };
  depends_on?: Record<string, { condition: string }> | string[];
  restart?: string;
  volumes?: string[];
  networks?: any;
  [k: string]: unknown;
}
export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  [k: string]: unknown;
}

export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

/** docker-compose.yml as Compose reads it: YAML merge keys (<<) resolved. */
export function loadCompose(file = COMPOSE_FILE): ComposeFile {
  return parse(readFileSync(file, 'utf8'), { merge: true }) as ComposeFile;
}

/**
 * Compose's variable interpolation with an empty shell environment: ${VAR:-default} and
 * ${VAR-default} take the default, ${VAR} and $VAR become empty, $$ is a literal $.
 */
export function interpolate(value: string, env: Record<string, string> = {}): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, name?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const key = (name ?? bare)!;
      const set = env[key];
      if (op === ':-') return set ? set : (arg ?? '');
      if (op === '-') return set ?? arg ?? '';
      if (op === ':?' || op === '?') {
        if (set === undefined || (op === ':?' && !set)) throw new Error(`${key}: ${arg}`);
        return set;
      }
      return set ?? '';
    },
  );
}

/**
 * What the operator must export before `docker compose up` (the file has no default for it):
 * the signing keys, and for `--profile media` the storage they provide (and its key).
 */
export const OPERATOR_ENV: Record<string, string> = {
  FILE_URL_SIGNING_KEY: randomBytes(32).toString('hex'),
  MEDIA_URL_SIGNING_KEY: randomBytes(32).toString('hex'),
  MEDIA_STORAGE_ENDPOINT: 'http://192.168.1.20:9000',
  MEDIA_STORAGE_ACCESS_KEY_ID: 'dock-media',
  MEDIA_STORAGE_SECRET_ACCESS_KEY: randomBytes(16).toString('hex'),
};

/** A service's environment after interpolation, every value a string. */
export function serviceEnv(
  service: ComposeService,
  env: Record<string, string> = OPERATOR_ENV,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [
      k,
      interpolate(String(v ?? ''), env),
    ]),
  );
}
