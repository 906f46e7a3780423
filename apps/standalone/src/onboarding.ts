import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME } from '@dock/contracts';
import { hashBindingCode, ORGANIZATION_SERVICE, OrganizationService } from '../../registry/src';

/** DATA_DIR/credentials.json: what a dock (and later Pilot 2) needs to join this cloud. */
export interface Credentials {
  organization: { id: string; name: string; binding_code: string };
  api?: { url: string; token: string };
}

export const CREDENTIALS_FILE = 'credentials.json';

/**
 * First start: the default organization exists (the registry's migration made it), gets a
 * binding code, and DATA_DIR/credentials.json (mode 0600) records it with the API address and
 * token. Later starts keep the file and the code; a new code is issued only when the one in the
 * file no longer works here (another database, or revoked or expired by an operator).
 */
export async function ensureCredentials(
  app: INestApplication,
  dataDir: string,
  api: { url: string; token: string | undefined },
): Promise<{ credentials: Credentials; file: string; issued: boolean }> {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  const organizations = app.get<OrganizationService>(ORGANIZATION_SERVICE, { strict: false });
  const organization = await organizations.ensure(
    DEFAULT_ORGANIZATION_ID,
    DEFAULT_ORGANIZATION_NAME,
  );
  const kept = await readCredentials(file);
  let code = kept?.organization.id === organization.id ? kept.organization.binding_code : undefined;
  if (code !== undefined && !(await stillWorks(organizations, organization.id, code))) {
    code = undefined;
  }
  const issued = code === undefined;
  if (code === undefined) code = (await organizations.issueCode(organization.id, null)).code;
  const credentials: Credentials = {
    organization: { id: organization.id, name: organization.name, binding_code: code },
    ...(api.token ? { api: { url: api.url, token: api.token } } : {}),
  };
  if (issued || JSON.stringify(kept) !== JSON.stringify(credentials)) {
    // Written aside then renamed: a crash never leaves half a file; 0600: it holds secrets.
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, file);
  }
  return { credentials, file, issued };
}

/** DATA_DIR/credentials.json as written here, or undefined when absent or unreadable. */
export async function readCredentials(file: string): Promise<Credentials | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Credentials;
    return typeof parsed?.organization?.binding_code === 'string' ? parsed : undefined;
  } catch {
    return undefined; // absent or unreadable: issue anew
  }
}

async function stillWorks(
  organizations: OrganizationService,
  organizationId: string,
  code: string,
): Promise<boolean> {
  const hash = hashBindingCode(code);
  const codes = await organizations.listCodes(organizationId);
  const now = Date.now();
  return codes.some(
    (c) =>
      c.codeHash === hash && c.revokedAt === null && (c.expiresAt === null || c.expiresAt > now),
  );
}
