import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { DJI_LICENCE_VARIABLES, generateDockLicence } from '@dock/platform';

/**
 * The embedded mode's dock licence. A configured one (DJI_APP_ID, DJI_APP_KEY,
 * DJI_APP_LICENSE) is used as it is. Without one, a random development licence is generated on
 * first start and kept in DATA_DIR/dev-licence.json (mode 0600) so restarts keep it: simulated
 * docks accept it, a real dock never will (it checks the licence with DJI).
 */

export const DEV_LICENCE_FILE = 'dev-licence.json';

const VARIABLES = DJI_LICENCE_VARIABLES;

const devLicenceSchema = z.object({
  DJI_APP_ID: z.string().min(1),
  DJI_APP_KEY: z.string().min(1),
  DJI_APP_LICENSE: z.string().min(1),
});

export interface DockLicence {
  /** configured: from the environment; development: generated (or kept) in `file`. */
  readonly kind: 'configured' | 'development';
  /** For the gateway's and the registry's settings only (docks, and Pilot's access page). */
  readonly gatewayEnv: Readonly<Record<string, string>>;
  readonly file?: string;
}

export async function dockLicence(
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DockLicence> {
  if (VARIABLES.some((name) => isSet(env[name]))) {
    // Set, even in part: the operator's; the gateway warns at start about what is missing.
    return { kind: 'configured', gatewayEnv: {} };
  }
  const file = path.join(dataDir, DEV_LICENCE_FILE);
  const kept = await readKept(file);
  if (kept) return { kind: 'development', gatewayEnv: kept, file };
  const generated = generateDockLicence();
  await writeFile(file, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600 });
  return { kind: 'development', gatewayEnv: generated, file };
}

/** The banner's lines about the licence; a configured licence is shown redacted. */
export function licenceBanner(
  licence: DockLicence,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (licence.kind === 'development') {
    return (
      `  dock licence   development licence, kept in ${licence.file}: good only for simulated docks.\n` +
      '                 A real dock needs the app id / key / licence of a Cloud API app from\n' +
      "                 DJI's developer site (https://developer.dji.com/): set DJI_APP_ID, DJI_APP_KEY,\n" +
      '                 DJI_APP_LICENSE (secrets) and restart.\n'
    );
  }
  const shown = VARIABLES.map((name) => `${name}=${redacted(env[name])}`).join(' ');
  return `  dock licence   configured: ${shown}\n`;
}

function redacted(value: string | undefined): string {
  if (!isSet(value)) return '(unset: real docks will drop their connection)';
  return `${value.slice(0, 2)}… (${value.length} characters)`;
}

async function readKept(file: string): Promise<Record<string, string> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = devLicenceSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${file} is not a development licence; delete it to have a new one generated`);
  }
  return parsed.data;
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}
