/**
 * The access page's browser code. The server sends it as one script made from these functions'
 * own source text (see page-assets.ts), so this module must stay self-contained: no imports
 * but types, no module-level values, every function the page calls exported and listed in
 * PAGE_FUNCTIONS. The pure parts (parsing, planning, deciding) are unit-tested in Node.
 *
 * Pilot's web view may be an old Android WebView: write ES2019 (no ?. or ??, no newer DOM
 * calls such as replaceChildren). The project compiles for ES2022, which leaves that syntax
 * as written, and page-assets.spec.ts checks the served script for it.
 */
import type { PilotBootstrap } from '../domain/pilot-bootstrap';

/** The body of POST {prefix}/bootstrap. */
export interface PageBootstrap extends PilotBootstrap {
  /** The first argument of platformSetInformation: this system's name. */
  platformName: string;
}

/** One JSBridge call: what is passed, and what the page shows of it (secrets masked). */
export interface BridgeCall {
  kind: 'call';
  /** The djiBridge method. */
  method: string;
  /** How the page names the step, e.g. platformLoadComponent("thing"). */
  label: string;
  args: string[];
  maskedArgs: string[];
}

/** Waiting for Pilot to report the broker connection through the thing connect callback. */
export interface ThingWait {
  kind: 'wait-thing';
  label: string;
}

export type PlanStep = BridgeCall | ThingWait;

export type BridgeOutcome =
  { ok: true; data: unknown } | { ok: false; code: string; message: string };

export type SequenceResult =
  { ok: true } | { ok: false; label: string; code: string; message: string };

export interface SequenceIo {
  /** Calls djiBridge[method](...args) and returns what it returned; throws if it throws. */
  call(method: string, args: string[]): unknown;
  /** Resolves once Pilot reports a connection, or with connected false when it gives up. */
  waitForThing(): Promise<{ connected: boolean; detail: string }>;
  /** Each step's outcome, as it happens. */
  report(label: string, ok: boolean, text: string): void;
}

export type BootstrapVerdict =
  { ok: true; bootstrap: PageBootstrap } | { ok: false; message: string };

/** What the server passes to startPilotPage. */
export interface PageSettings {
  /** The global function name Pilot calls with the broker connection state. */
  thingCallback: string;
  /** How long to wait for that call before giving up. */
  thingTimeoutMs: number;
}

/**
 * A JSBridge answer: a string holding JSON `{code, message, data}`, code 0 meaning success.
 * Anything else (not a string, not JSON, no numeric code) is a failure that says what came.
 */
export function parseBridgeResult(raw: unknown): BridgeOutcome {
  if (typeof raw !== 'string') {
    const what = raw === null ? 'null' : typeof raw;
    return { ok: false, code: 'not-a-string', message: `returned ${what}, not a JSON string` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    const shown = raw.length > 120 ? `${raw.slice(0, 120)}...` : raw;
    return { ok: false, code: 'unparsable', message: `returned text that is not JSON: ${shown}` };
  }
  const body = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
    code?: unknown;
    message?: unknown;
    data?: unknown;
  };
  const code =
    typeof body.code === 'number'
      ? body.code
      : typeof body.code === 'string' && /^-?\d+$/.test(body.code.trim())
        ? Number(body.code)
        : undefined;
  if (code === undefined) {
    return {
      ok: false,
      code: 'unparsable',
      message: `returned JSON without a numeric code: ${raw}`,
    };
  }
  if (code !== 0) {
    const message =
      typeof body.message === 'string' && body.message !== '' ? body.message : '(no message)';
    return { ok: false, code: String(code), message };
  }
  return { ok: true, data: body.data };
}

/** The thing connect callback's argument: true, "true", 1 or "1" mean connected. */
export function thingConnectedFrom(arg: unknown): boolean {
  return arg === true || arg === 1 || arg === 'true' || arg === '1';
}

/** Secrets are shown as this unless the user asks to see them; an empty value stays empty. */
export function maskSecret(value: string): string {
  return value === '' ? '' : '********';
}

/** The calls, in the order the spec gives: licence, broker, (connection), API, workspace. */
export function planBridgeCalls(bootstrap: PageBootstrap, thingCallback: string): PlanStep[] {
  const { license, mqtt, api, organization } = bootstrap;
  const thing = {
    host: mqtt.host,
    connectCallback: thingCallback,
    username: mqtt.username,
    password: mqtt.password,
  };
  const workspaceName =
    bootstrap.workspaceName !== undefined ? bootstrap.workspaceName : organization.name;
  const information = [bootstrap.platformName, workspaceName, `Organization ${organization.name}`];
  return [
    {
      kind: 'call',
      method: 'platformVerifyLicense',
      label: 'platformVerifyLicense',
      args: [license.appId, license.appKey, license.license],
      maskedArgs: [license.appId, maskSecret(license.appKey), maskSecret(license.license)],
    },
    {
      kind: 'call',
      method: 'platformLoadComponent',
      label: 'platformLoadComponent("thing")',
      args: ['thing', JSON.stringify(thing)],
      maskedArgs: ['thing', JSON.stringify({ ...thing, password: maskSecret(mqtt.password) })],
    },
    { kind: 'wait-thing', label: 'MQTT connection (thing connect callback)' },
    {
      kind: 'call',
      method: 'platformLoadComponent',
      label: 'platformLoadComponent("api")',
      args: ['api', JSON.stringify({ host: api.host, token: api.token })],
      maskedArgs: ['api', JSON.stringify({ host: api.host, token: maskSecret(api.token) })],
    },
    {
      kind: 'call',
      method: 'platformSetWorkspaceId',
      label: 'platformSetWorkspaceId',
      args: [organization.id],
      maskedArgs: [organization.id],
    },
    {
      kind: 'call',
      method: 'platformSetInformation',
      label: 'platformSetInformation',
      args: information,
      maskedArgs: information,
    },
  ];
}

/** A step as source text, e.g. platformSetWorkspaceId("…"); secrets masked unless `reveal`. */
export function formatStep(step: PlanStep, reveal: boolean): string {
  if (step.kind === 'wait-thing') return `(wait for Pilot to call back: ${step.label})`;
  const args = reveal ? step.args : step.maskedArgs;
  // Single-quoted, so the JSON parameters read as they are rather than full of escapes.
  const quote = (arg: string) => `'${arg.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `djiBridge.${step.method}(${args.map(quote).join(', ')})`;
}

/**
 * Runs the plan: each call's string result is parsed, and the first failure (non-zero code,
 * unparsable result, a throwing or missing bridge method, no broker connection) stops it.
 */
export async function runBridgeSequence(plan: PlanStep[], io: SequenceIo): Promise<SequenceResult> {
  for (const step of plan) {
    if (step.kind === 'wait-thing') {
      const thing = await io.waitForThing();
      io.report(step.label, thing.connected, thing.detail);
      if (!thing.connected) {
        return { ok: false, label: step.label, code: 'no-connection', message: thing.detail };
      }
      continue;
    }
    let outcome: BridgeOutcome;
    try {
      outcome = parseBridgeResult(io.call(step.method, step.args));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome = { ok: false, code: 'exception', message: `threw: ${message}` };
    }
    if (!outcome.ok) {
      io.report(step.label, false, `failed: code ${outcome.code}: ${outcome.message}`);
      return { ok: false, label: step.label, code: outcome.code, message: outcome.message };
    }
    io.report(step.label, true, 'OK (code 0)');
  }
  return { ok: true };
}

/** Turns the bootstrap answer into the bootstrap or a message a person can act on. */
export function readBootstrapResponse(status: number, body: unknown): BootstrapVerdict {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const said = typeof fields.message === 'string' && fields.message !== '' ? fields.message : '';
  if (status === 401) {
    return {
      ok: false,
      message:
        'The API token was not accepted (401 Unauthorized): check the token and sign in again.' +
        (said ? ` The cloud said: ${said}` : ''),
    };
  }
  if (status !== 200) {
    return {
      ok: false,
      message: `The cloud answered ${status}${said ? `: ${said}` : ' without details'}.`,
    };
  }
  const missing = ['platformName', 'license', 'mqtt', 'api', 'organization'].filter(
    (name) => typeof fields[name] !== (name === 'platformName' ? 'string' : 'object'),
  );
  if (missing.length > 0) {
    return {
      ok: false,
      message: `The cloud's answer lacks ${missing.join(', ')}: the page cannot continue.`,
    };
  }
  return { ok: true, bootstrap: body as PageBootstrap };
}

/** The bridge Pilot 2 injects, or undefined in an ordinary browser. */
export function findBridge(win: { djiBridge?: unknown }): Record<string, unknown> | undefined {
  const bridge = win.djiBridge;
  return typeof bridge === 'object' && bridge !== null
    ? (bridge as Record<string, unknown>)
    : undefined;
}

/** The DOM this page touches, kept small on purpose (the project builds without DOM types). */
interface PageElement {
  textContent: string | null;
  hidden: boolean;
  value: string;
  checked: boolean;
  disabled: boolean;
  className: string;
  getAttribute(name: string): string | null;
  appendChild(child: PageElement): unknown;
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => void): void;
  focus(): void;
}

interface PageDocument {
  getElementById(id: string): PageElement | null;
  createElement(tag: string): PageElement;
}

interface PageWindow {
  djiBridge?: unknown;
  fetch(
    url: string,
    init: Record<string, unknown>,
  ): Promise<{ status: number; json(): Promise<unknown> }>;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  [name: string]: unknown;
}

/** Wires the page: sign-in form, bootstrap fetch, then the bridge calls or the preview. */
export function startPilotPage(win: PageWindow, doc: PageDocument, settings: PageSettings): void {
  const element = (id: string): PageElement => {
    const found = doc.getElementById(id);
    if (!found) throw new Error(`the page lacks #${id}`);
    return found;
  };
  const form = element('sign-in');
  const tokenInput = element('token');
  const submit = element('sign-in-submit');
  const status = element('status');
  const progress = element('progress');
  const steps = element('steps');
  const thingState = element('thing-state');
  const preview = element('preview');
  const plannedCalls = element('planned-calls');
  const reveal = element('reveal-secrets');
  const bootstrapUrl = form.getAttribute('data-bootstrap-url') || '';

  const say = (text: string, tone: 'info' | 'ok' | 'error') => {
    status.textContent = text;
    status.className = `status ${tone}`;
  };
  const listItem = (text: string, tone: string) => {
    const item = doc.createElement('li');
    item.textContent = text;
    item.className = tone;
    return item;
  };

  // Pilot may call back at any time after the thing module loads, also to say it lost the broker.
  let connected = false;
  let reported = false;
  let connectionWaiter: ((state: { connected: boolean; detail: string }) => void) | undefined;
  win[settings.thingCallback] = (arg: unknown) => {
    connected = thingConnectedFrom(arg);
    reported = true;
    const time = new Date().toLocaleTimeString();
    thingState.textContent = `MQTT connection reported by Pilot: ${
      connected ? 'connected' : 'not connected'
    } (at ${time}, argument ${JSON.stringify(arg)})`;
    if (connected && connectionWaiter) connectionWaiter({ connected: true, detail: 'connected' });
  };
  const waitForThing = () =>
    new Promise<{ connected: boolean; detail: string }>((resolve) => {
      if (connected) return resolve({ connected: true, detail: 'connected' });
      if (!reported) {
        thingState.textContent = 'MQTT connection: waiting for Pilot to connect to the broker...';
      }
      const timer = win.setTimeout(() => {
        connectionWaiter = undefined;
        resolve({
          connected: false,
          detail: `Pilot reported no broker connection within ${Math.round(
            settings.thingTimeoutMs / 1000,
          )} s: check the MQTT host, username and password`,
        });
      }, settings.thingTimeoutMs);
      connectionWaiter = (state) => {
        win.clearTimeout(timer);
        connectionWaiter = undefined;
        resolve(state);
      };
    });

  const showPreview = (plan: PlanStep[]) => {
    const render = () => {
      plannedCalls.textContent = '';
      for (const step of plan)
        plannedCalls.appendChild(listItem(formatStep(step, reveal.checked), 'call'));
    };
    reveal.addEventListener('change', render);
    render();
    preview.hidden = false;
  };

  const run = async (bootstrap: PageBootstrap) => {
    const plan = planBridgeCalls(bootstrap, settings.thingCallback);
    const bridge = findBridge(win);
    if (!bridge) {
      say(
        "Pilot 2 bridge not found: open this page from Pilot 2's cloud service access screen. " +
          'Below is what the page would have sent.',
        'error',
      );
      showPreview(plan);
      return;
    }
    progress.hidden = false;
    say('Connecting this remote controller...', 'info');
    const result = await runBridgeSequence(plan, {
      call: (method, args) => {
        const fn = bridge[method];
        if (typeof fn !== 'function') throw new Error(`djiBridge.${method} is not a function`);
        return fn.apply(bridge, args);
      },
      waitForThing,
      report: (label, ok, text) =>
        steps.appendChild(listItem(`${label}: ${text}`, ok ? 'ok' : 'error')),
    });
    if (result.ok) {
      say(
        `Done: Pilot 2 is connected to ${bootstrap.platformName} for organization ` +
          `${bootstrap.organization.name}.`,
        'ok',
      );
    } else {
      say(
        `Stopped: ${result.label} failed with code ${result.code}: ${result.message}. ` +
          'No further calls were made; reload the page to try again.',
        'error',
      );
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // The token lives in this closure only: never in storage, cookies or the URL.
    const token = tokenInput.value.trim();
    if (token === '') {
      say('Enter the API token.', 'error');
      tokenInput.focus();
      return;
    }
    submit.disabled = true;
    say('Signing in...', 'info');
    win
      .fetch(bootstrapUrl, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        cache: 'no-store',
        credentials: 'omit',
      })
      .then(async (response) => {
        const body = await response.json().catch(() => undefined);
        const verdict = readBootstrapResponse(response.status, body);
        if (!verdict.ok) {
          say(verdict.message, 'error');
          submit.disabled = false;
          tokenInput.focus();
          return;
        }
        tokenInput.value = '';
        form.hidden = true;
        await run(verdict.bootstrap).catch((error: unknown) => {
          say(`The page failed: ${error instanceof Error ? error.message : error}`, 'error');
        });
      })
      .catch((error: unknown) => {
        say(
          `Could not reach the cloud: ${error instanceof Error ? error.message : error}`,
          'error',
        );
        submit.disabled = false;
      });
  });
}
