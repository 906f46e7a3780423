/**
 * `npm run mqtt:mosquitto-acl -- <output directory>`: Mosquitto's password file and ACL file
 * from the registry's database (its MQTT credentials and device bindings), and security.conf to
 * include in mosquitto.conf (README, "Security: who can do what"). Run it again after issuing,
 * rotating or deleting a credential and after docks bind, then reload Mosquitto (SIGHUP).
 *
 * Settings are the registry's: DATABASE_URL and DATABASE_SCHEMA (default registry).
 */
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { PgMqttCredentialStore } from '../apps/registry/src/adapters/postgres/pg-mqtt-credential-store';
import {
  mosquittoAclFile,
  mosquittoPasswordFile,
  mosquittoSecurityConf,
} from '../apps/registry/src/domain/mosquitto-files';
import { infraEnv } from '../libs/platform/src/config/env-fields';

const settingsSchema = z.object({
  DATABASE_URL: infraEnv.DATABASE_URL,
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and _')
    .default('registry'),
});

export interface MosquittoFiles {
  readonly passwordFile: string;
  readonly aclFile: string;
  readonly confFile: string;
  readonly users: number;
}

/** Writes passwd, acl and security.conf into outDir (mode 0600, each replaced atomically). */
export async function writeMosquittoFiles(
  outDir: string,
  env: Record<string, string | undefined>,
): Promise<MosquittoFiles> {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  }
  const client = new Client({ connectionString: parsed.data.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${parsed.data.DATABASE_SCHEMA}"`);
    const queries = {
      query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows,
    } as unknown as DataSource;
    const store = new PgMqttCredentialStore(queries);
    const credentials = await store.allMqttCredentials();
    const bindings = await store.deviceBindings();
    const dir = path.resolve(outDir);
    await mkdir(dir, { recursive: true });
    const files = {
      passwordFile: path.join(dir, 'passwd'),
      aclFile: path.join(dir, 'acl'),
      confFile: path.join(dir, 'security.conf'),
    };
    await replace(files.passwordFile, mosquittoPasswordFile(credentials));
    await replace(files.aclFile, mosquittoAclFile(credentials, bindings));
    await replace(files.confFile, mosquittoSecurityConf(files.passwordFile, files.aclFile));
    return { ...files, users: credentials.length };
  } finally {
    await client.end();
  }
}

async function replace(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

if (require.main === module) {
  const outDir = process.argv[2];
  if (!outDir) {
    process.stderr.write('usage: npm run mqtt:mosquitto-acl -- <output directory>\n');
    process.exit(64);
  }
  writeMosquittoFiles(outDir, process.env).then(
    (files) => {
      process.stdout.write(
        `wrote ${files.passwordFile} (${files.users} users), ${files.aclFile}, ${files.confFile}\n` +
          `include ${files.confFile} in mosquitto.conf and reload Mosquitto (kill -HUP <pid>)\n`,
      );
    },
    (error: unknown) => {
      process.stderr.write(`mqtt:mosquitto-acl failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
