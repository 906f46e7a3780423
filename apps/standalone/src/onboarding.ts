import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME } from '@dock/contracts';
import {
  hashBindingCode,
  MQTT_CREDENTIAL_SERVICE,
  MqttCredentialService,
  ORGANIZATION_SERVICE,
  OrganizationService,
} from '../../registry/src';

/** DATA_DIR/credentials.json: what a dock (and Pilot 2, scripts) needs to join this cloud. */
export interface Credentials {
  organization: { id: string; name: string; binding_code: string };
  /** The default organization's MQTT credential (docks, the simulator, Pilot 2). */
  mqtt?: { url: string; username: string; password: string };
  api?: { url: string; token: string };
}

export const CREDENTIALS_FILE = 'credentials.json';

/**
 * First start: the default organization exists (the registry's migration made it), gets a
 * binding code and an MQTT credential, and DATA_DIR/credentials.json (mode 0600) records them
 * with the broker's and the API's address and token. Later starts keep the file, the code and
 * the MQTT password; a new one is issued only when the one in the file no longer works here
 * (another database, or revoked, expired, rotated or deleted by an operator).
 */
export async function ensureCredentials(
  app: INestApplication,
  dataDir: string,
  api: { url: string; token: string | undefined; mqttUrl: string },
): Promise<{ credentials: Credentials; file: string; issued: boolean; mqttIssued: boolean }> {
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
  const mqtt = await ensureMqttCredential(app, organization.id, kept);
  const credentials: Credentials = {
    organization: { id: organization.id, name: organization.name, binding_code: code },
    mqtt: { url: api.mqttUrl, ...mqtt.login },
    ...(api.token ? { api: { url: api.url, token: api.token } } : {}),
  };
  if (issued || mqtt.issued || JSON.stringify(kept) !== JSON.stringify(credentials)) {
    // Written aside then renamed: a crash never leaves half a file; 0600: it holds secrets.
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, file);
  }
  return { credentials, file, issued: issued || mqtt.issued, mqttIssued: mqtt.issued };
}

/** The MQTT login in the file while it still works; otherwise a new credential. */
async function ensureMqttCredential(
  app: INestApplication,
  organizationId: string,
  kept: Credentials | undefined,
): Promise<{ login: { username: string; password: string }; issued: boolean }> {
  const credentials = app.get<MqttCredentialService>(MQTT_CREDENTIAL_SERVICE, { strict: false });
  const login = kept?.organization.id === organizationId ? kept.mqtt : undefined;
  if (
    login &&
    typeof login.username === 'string' &&
    typeof login.password === 'string' &&
    (await credentials.works(organizationId, login.username, login.password))
  ) {
    return { login: { username: login.username, password: login.password }, issued: false };
  }
  const created = await credentials.create(organizationId);
  return {
    login: { username: created.credential.username, password: created.password },
    issued: true,
  };
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
