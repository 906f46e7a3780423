import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
// By path, as main.ts takes the logger: the simulator needs no Nest from the platform's index.
import { readPemFile } from '../../../../libs/platform/src/config/pem-file';
import {
  DEFAULT_BEHAVIOUR,
  DockBehaviour,
  ExitHomingTrigger,
  LicenceExpectation,
  ReplyOverride,
} from '../domain/behaviour';
import { FleetOptions } from '../fleet/fleet';
import type { MqttTlsSettings } from '../fleet/simulated-dock';

/** The command line, as node's util.parseArgs reads it (no dependency). */

export interface CliSettings {
  readonly fleet: FleetOptions;
  readonly durationS: number | null;
  readonly untilIdle: boolean;
  readonly reportJson: string | null;
  /** Exit 1 when replies went missing (for CI). */
  readonly strict: boolean;
  readonly logLevel: string;
}

export type CliParse =
  | { readonly kind: 'run'; readonly settings: CliSettings }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  docks: { type: 'string', short: 'n' },
  'sn-prefix': { type: 'string' },
  'mqtt-url': { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'mqtt-version': { type: 'string' },
  'mqtt-ca': { type: 'string' },
  'mqtt-cert': { type: 'string' },
  'mqtt-key': { type: 'string' },
  'connect-concurrency': { type: 'string' },
  'osd-interval-ms': { type: 'string' },
  'progress-interval-ms': { type: 'string' },
  speed: { type: 'string' },
  waypoints: { type: 'string' },
  battery: { type: 'string' },
  'reply-code': { type: 'string', multiple: true },
  'reply-latency': { type: 'string', multiple: true },
  'never-reply': { type: 'string', multiple: true },
  'reply-timeout-ms': { type: 'string' },
  quirks: { type: 'boolean' },
  hms: { type: 'boolean' },
  'upload-media': { type: 'boolean' },
  'media-short-by': { type: 'string' },
  'media-duplicate': { type: 'boolean' },
  'exit-homing-trigger': { type: 'string', multiple: true },
  'offline-after-ms': { type: 'string' },
  'reconnect-after-ms': { type: 'string' },
  'duration-s': { type: 'string' },
  'until-idle': { type: 'boolean' },
  'report-json': { type: 'string' },
  strict: { type: 'boolean' },
  'log-level': { type: 'string' },
  'app-id': { type: 'string' },
  'app-key': { type: 'string' },
  'app-license': { type: 'string' },
  'organization-id': { type: 'string' },
  'binding-code': { type: 'string' },
  credentials: { type: 'string' },
  'silent-after': { type: 'string' },
  'silent-for': { type: 'string' },
  'licence-retry-s': { type: 'string' },
} as const;

/**
 * DATA_DIR/credentials.json as the embedded mode writes it; every part may be missing. Only
 * the organization (id, binding code) and the MQTT credentials are used here.
 */
const credentialsSchema = z.object({
  organization: z
    .object({
      id: z.string().min(1).optional(),
      name: z.string().optional(),
      binding_code: z.string().min(1).optional(),
    })
    .optional(),
  api: z.object({ url: z.string().optional(), token: z.string().optional() }).optional(),
  mqtt: z
    .object({
      url: z.string().min(1).optional(),
      username: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
    })
    .optional(),
});
type Credentials = z.infer<typeof credentialsSchema>;

/** Reads a file's text (tests pass their own). */
export type ReadText = (path: string) => string;

class UsageError extends Error {}

export function parseCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
  readText: ReadText = (path) => readFileSync(path, 'utf8'),
): CliParse {
  try {
    const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true });
    if (values.help) return { kind: 'help' };
    const credentials =
      values.credentials === undefined ? {} : readCredentials(values.credentials, readText);
    const organizationId = values['organization-id'] ?? credentials.organization?.id;
    const bindingCode = values['binding-code'] ?? credentials.organization?.binding_code;
    if ((organizationId === undefined) !== (bindingCode === undefined)) {
      throw new UsageError(
        '--organization-id and --binding-code go together (or from --credentials)',
      );
    }
    const silentAfter = optionalNumber(values['silent-after'], '--silent-after');
    const silentFor = optionalNumber(values['silent-for'], '--silent-for');
    if (silentFor !== null && silentAfter === null) {
      throw new UsageError('--silent-for needs --silent-after');
    }

    const offlineAfter = optionalInt(values['offline-after-ms'], '--offline-after-ms', 0);
    const behaviour: Partial<DockBehaviour> = {
      osdIntervalMs: int(
        values['osd-interval-ms'],
        '--osd-interval-ms',
        DEFAULT_BEHAVIOUR.osdIntervalMs,
        10,
      ),
      progressIntervalMs: int(
        values['progress-interval-ms'],
        '--progress-interval-ms',
        DEFAULT_BEHAVIOUR.progressIntervalMs,
        10,
      ),
      speed: number(values.speed, '--speed', DEFAULT_BEHAVIOUR.speed),
      waypoints: int(values.waypoints, '--waypoints', DEFAULT_BEHAVIOUR.waypoints, 1),
      battery: int(values.battery, '--battery', DEFAULT_BEHAVIOUR.battery, 0, 100),
      replyCodes: replyCodes(values['reply-code'] ?? []),
      replyLatencyMs: replyLatencies(values['reply-latency'] ?? []),
      neverReply: (values['never-reply'] ?? []).map((method) =>
        serviceMethod(method, '--never-reply'),
      ),
      replyTimeoutMs: int(
        values['reply-timeout-ms'],
        '--reply-timeout-ms',
        DEFAULT_BEHAVIOUR.replyTimeoutMs,
        1,
      ),
      quirks: values.quirks === true,
      hms: values.hms === true,
      ...(values['upload-media'] === true ||
      values['media-short-by'] !== undefined ||
      values['media-duplicate'] === true
        ? {
            media: {
              shortBy: int(values['media-short-by'], '--media-short-by', 0, 0),
              duplicate: values['media-duplicate'] === true,
            },
          }
        : {}),
      expectedLicence: licence(values, env),
      licenceRetryMs:
        int(
          values['licence-retry-s'],
          '--licence-retry-s',
          DEFAULT_BEHAVIOUR.licenceRetryMs / 1000,
          1,
        ) * 1000,
      ...(organizationId === undefined || bindingCode === undefined
        ? {}
        : { organization: { id: organizationId, bindingCode } }),
      ...(silentAfter === null
        ? {}
        : {
            silence: {
              afterMs: silentAfter * 1000,
              ...(silentFor === null ? {} : { forMs: silentFor * 1000 }),
            },
          }),
      exitHomingTriggers: (values['exit-homing-trigger'] ?? []).map(exitHomingTrigger),
      ...(offlineAfter === null
        ? {}
        : {
            offline: {
              afterMs: offlineAfter,
              reconnectAfterMs: int(
                values['reconnect-after-ms'],
                '--reconnect-after-ms',
                10_000,
                0,
              ),
            },
          }),
    };
    const version = values['mqtt-version'] ?? '5';
    if (version !== '5' && version !== '3.1.1') {
      throw new UsageError('--mqtt-version must be 5 or 3.1.1');
    }
    const username = values.username ?? credentials.mqtt?.username ?? env.MQTT_USERNAME;
    const password = values.password ?? credentials.mqtt?.password ?? env.MQTT_PASSWORD;
    const durationS = optionalNumber(values['duration-s'], '--duration-s');
    const url =
      values['mqtt-url'] ?? credentials.mqtt?.url ?? env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
    const tls = tlsFiles(url, {
      'mqtt-ca': values['mqtt-ca'] ?? env.MQTT_CA_FILE,
      'mqtt-cert': values['mqtt-cert'] ?? env.MQTT_CERT_FILE,
      'mqtt-key': values['mqtt-key'] ?? env.MQTT_KEY_FILE,
    });
    return {
      kind: 'run',
      settings: {
        fleet: {
          docks: int(values.docks, '--docks', 1, 1, 100_000),
          snPrefix: snPrefix(values['sn-prefix'] ?? 'SIMDOCK'),
          mqtt: {
            url,
            protocolVersion: version === '5' ? 5 : 4,
            ...(tls === undefined ? {} : { tls }),
            ...(username === undefined ? {} : { username }),
            ...(password === undefined ? {} : { password }),
          },
          behaviour,
          connectConcurrency: int(values['connect-concurrency'], '--connect-concurrency', 50, 1),
        },
        durationS,
        untilIdle: values['until-idle'] === true,
        reportJson: values['report-json'] ?? null,
        strict: values.strict === true,
        logLevel: values['log-level'] ?? 'warn',
      },
    };
  } catch (error) {
    if (error instanceof UsageError) return { kind: 'error', message: error.message };
    // parseArgs' own errors (unknown option, missing value) are written for users already.
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

function readCredentials(path: string, readText: ReadText): Credentials {
  let text: string;
  try {
    text = readText(path);
  } catch (error) {
    throw new UsageError(
      `--credentials: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`--credentials: ${path} is not JSON`);
  }
  const parsed = credentialsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `--credentials: ${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** The licence the docks expect: options first, then the gateway's own variables. */
function licence(
  values: { 'app-id'?: string; 'app-key'?: string; 'app-license'?: string },
  env: NodeJS.ProcessEnv,
): LicenceExpectation {
  const appId = values['app-id'] ?? env.DJI_APP_ID;
  const appKey = values['app-key'] ?? env.DJI_APP_KEY;
  const appLicense = values['app-license'] ?? env.DJI_APP_LICENSE;
  return {
    ...(appId ? { app_id: appId } : {}),
    ...(appKey ? { app_key: appKey } : {}),
    ...(appLicense ? { app_license: appLicense } : {}),
  };
}

function int(
  raw: string | undefined,
  name: string,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
  }
  return value;
}

function optionalInt(raw: string | undefined, name: string, min: number): number | null {
  return raw === undefined ? null : int(raw, name, 0, min);
}

function number(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function optionalNumber(raw: string | undefined, name: string): number | null {
  return raw === undefined ? null : number(raw, name, 0);
}

function serviceMethod(method: string, option: string): string {
  // Any method may be configured, camera commands too: only the shape of the name is checked.
  if (!/^[a-z_]+$/.test(method))
    throw new UsageError(`${option}: "${method}" is not a method name`);
  return method;
}

/** `method=code` or `method=codexN` (refuse the first N calls only). */
function replyCodes(specs: readonly string[]): Record<string, ReplyOverride> {
  const codes: Record<string, ReplyOverride> = {};
  for (const spec of specs) {
    const match = /^([a-z_]+)=(\d+)(?:x(\d+))?$/.exec(spec);
    if (!match)
      throw new UsageError(`--reply-code expects method=code or method=codexN, got "${spec}"`);
    const [, method, code, times] = match as unknown as [
      string,
      string,
      string,
      string | undefined,
    ];
    codes[serviceMethod(method, '--reply-code')] = {
      code: Number(code),
      ...(times === undefined ? {} : { times: Number(times) }),
    };
  }
  return codes;
}

function replyLatencies(specs: readonly string[]): Record<string, number> {
  const latencies: Record<string, number> = {};
  for (const spec of specs) {
    const match = /^([a-z_]+)=(\d+)$/.exec(spec);
    if (!match) throw new UsageError(`--reply-latency expects method=ms, got "${spec}"`);
    latencies[serviceMethod(match[1] as string, '--reply-latency')] = Number(match[2]);
  }
  return latencies;
}

/** `after-ms=5000,reason=0,hold-ms=3000` (reason and hold-ms optional). */
function exitHomingTrigger(spec: string): ExitHomingTrigger {
  const fields = new Map<string, number>();
  for (const part of spec.split(',')) {
    const match = /^(after-ms|reason|hold-ms)=(\d+)$/.exec(part.trim());
    if (!match) {
      throw new UsageError(
        `--exit-homing-trigger expects after-ms=N[,reason=N][,hold-ms=N], got "${spec}"`,
      );
    }
    fields.set(match[1] as string, Number(match[2]));
  }
  const afterMs = fields.get('after-ms');
  if (afterMs === undefined)
    throw new UsageError(`--exit-homing-trigger needs after-ms, got "${spec}"`);
  return { afterMs, reason: fields.get('reason') ?? 0, holdMs: fields.get('hold-ms') ?? 3_000 };
}

function snPrefix(prefix: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,50}$/.test(prefix)) {
    throw new UsageError(
      `--sn-prefix must be 1..50 characters of [A-Za-z0-9_.:-], got "${prefix}"`,
    );
  }
  return prefix;
}

/**
 * The broker's CA and the dock's client certificate for an mqtts:// or wss:// URL, read now so a
 * wrong path is a usage error rather than a fleet that never connects.
 */
function tlsFiles(
  url: string,
  files: Record<'mqtt-ca' | 'mqtt-cert' | 'mqtt-key', string | undefined>,
): MqttTlsSettings | undefined {
  const given = Object.entries(files).filter(([, file]) => file !== undefined);
  if (!/^(mqtts|wss):\/\//.test(url)) {
    if (given.length > 0) {
      throw new UsageError(`--${given[0]![0]} needs an mqtts:// or wss:// --mqtt-url`);
    }
    return undefined;
  }
  if ((files['mqtt-cert'] === undefined) !== (files['mqtt-key'] === undefined)) {
    throw new UsageError('--mqtt-cert and --mqtt-key go together (a client certificate)');
  }
  const read = (option: keyof typeof files, kind: 'certificate' | 'private key') => {
    const file = files[option];
    if (file === undefined) return undefined;
    const pem = readPemFile(file, kind);
    if ('problem' in pem) throw new UsageError(`--${option}: ${pem.problem}`);
    return pem.pem;
  };
  const ca = read('mqtt-ca', 'certificate');
  const cert = read('mqtt-cert', 'certificate');
  const key = read('mqtt-key', 'private key');
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
  };
}
