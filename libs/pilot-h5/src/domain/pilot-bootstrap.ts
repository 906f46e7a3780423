/**
 * What the Pilot 2 access page needs to hand a remote controller to this cloud, and the port
 * that provides it for an authenticated caller. Plain TypeScript: no Nest, no I/O.
 */

/** The DJI Cloud API licence of the developer-site app (`platformVerifyLicense`). Secret. */
export interface PilotLicense {
  appId: string;
  appKey: string;
  license: string;
}

/** The broker Pilot connects to (`platformLoadComponent("thing", ...)`). */
export interface PilotMqtt {
  /** `tcp://host:port` or `ws://host:port/path`: the only schemes Pilot's thing module takes. */
  host: string;
  username: string;
  /** Secret. */
  password: string;
}

/** The HTTP API Pilot calls (`platformLoadComponent("api", ...)`), sending `X-Auth-Token`. */
export interface PilotApi {
  /** Base URL, http:// or https:// (Pilot wants a valid certificate for https). */
  host: string;
  token: string;
}

export interface PilotOrganization {
  /** A UUID: Pilot's workspace id (`platformSetWorkspaceId`). */
  id: string;
  name: string;
}

/** Everything the page passes to the JSBridge, for one caller. */
export interface PilotBootstrap {
  license: PilotLicense;
  mqtt: PilotMqtt;
  api: PilotApi;
  organization: PilotOrganization;
  /** Shown in Pilot's cloud portal (`platformSetInformation`); default: the organization's name. */
  workspaceName?: string;
}

/** Who asks: the bearer token the caller signed in with (already accepted by the API auth). */
export interface PilotCaller {
  token: string;
  /**
   * The organization the request acts in (libs/platform's request organization scope, resolved
   * by the auth guard). Sources that serve several organizations answer for this one.
   */
  organizationId: string;
}

/** The port: the registry (or the embedded mode) says what a caller's controller gets. */
export interface PilotBootstrapSource {
  bootstrapFor(caller: PilotCaller): Promise<PilotBootstrap>;
}

/**
 * The source's way to say no to one caller (e.g. a token that belongs to no organization):
 * answered as 403 with this code and message, which must not contain secrets.
 */
export class PilotBootstrapRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PilotBootstrapRefused';
  }
}

/**
 * The source's way to say "this system is not set up for Pilot yet" (e.g. settings missing):
 * answered as 503 with this code and message, which name what to set and never a secret.
 */
export class PilotBootstrapUnavailable extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PilotBootstrapUnavailable';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PILOT_MQTT_HOST = /^(tcp|ws):\/\/[^\s/:?#]+(:\d{1,5})?(\/[^\s?#]*)?$/;
const API_HOST = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

/**
 * What is wrong with a bootstrap, one line per field, naming the field and never its value
 * (several are secrets). Empty when Pilot can use it.
 */
export function bootstrapProblems(value: PilotBootstrap): string[] {
  const problems: string[] = [];
  const text = (field: string, v: unknown, allowEmpty = false) => {
    if (typeof v !== 'string' || (!allowEmpty && v.trim() === '')) {
      problems.push(`${field} must be a non-empty string`);
      return false;
    }
    return true;
  };
  text('license.appId', value.license?.appId);
  text('license.appKey', value.license?.appKey);
  text('license.license', value.license?.license);
  if (text('mqtt.host', value.mqtt?.host) && !PILOT_MQTT_HOST.test(value.mqtt.host)) {
    problems.push(
      'mqtt.host must be tcp://host:port or ws://host:port[/path] (what Pilot accepts)',
    );
  }
  // An anonymous broker has no credentials: empty strings are what Pilot is given then.
  text('mqtt.username', value.mqtt?.username, true);
  text('mqtt.password', value.mqtt?.password, true);
  if (text('api.host', value.api?.host) && !API_HOST.test(value.api.host)) {
    problems.push('api.host must be an http:// or https:// URL');
  }
  text('api.token', value.api?.token);
  if (text('organization.id', value.organization?.id) && !UUID.test(value.organization.id)) {
    problems.push('organization.id must be a UUID (Pilot takes it as the workspace id)');
  }
  text('organization.name', value.organization?.name);
  if (value.workspaceName !== undefined) text('workspaceName', value.workspaceName);
  return problems;
}

/**
 * The thing-module host for a broker URL as the services configure it (MQTT_URL):
 * mqtt:// and tcp:// become tcp://, ws:// stays. Pilot's thing module takes nothing else, so
 * TLS URLs (mqtts://, wss://, ssl://) are refused with the reason.
 */
export function pilotMqttHost(brokerUrl: string): string {
  let url: URL;
  try {
    url = new URL(brokerUrl);
  } catch {
    // The URL may carry a password: the message does not repeat it.
    throw new Error(
      'the MQTT broker URL is not a URL (expected mqtt://host:port or ws://host:port)',
    );
  }
  const scheme = url.protocol.replace(/:$/, '');
  const port = url.port ? `:${url.port}` : '';
  if (scheme === 'mqtt' || scheme === 'tcp') return `tcp://${url.hostname}${port || ':1883'}`;
  if (scheme === 'ws') {
    const path = url.pathname === '/' ? '' : url.pathname;
    return `ws://${url.hostname}${port}${path}`;
  }
  throw new Error(
    `Pilot's thing module connects only with tcp:// or ws://, not ${scheme}:// (${url.hostname})`,
  );
}
