import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createSimulatedDock, SimulatedDock } from '../../dock-simulator/src';
// The same real DJI WPML wayline the file service's own tests validate.
import { sampleKmz } from '@dock/wpml';
import { isTaskState, isFinalTaskState } from '@dock/contracts';
import { CREDENTIALS_FILE, readCredentials } from './onboarding';
import { RunningStandalone, startStandalone } from './standalone';

const MINUTE = 60_000;
const DEMO_TIMEOUT_MS = 6 * MINUTE;

interface DemoTask {
  readonly kind: 'immediate' | 'timed' | 'conditional';
  readonly dock: SimulatedDock;
  flightId?: string;
  state?: string;
  line?: string;
}

interface TaskView {
  flightId: string;
  state: string;
  progress: { currentStep?: number | null; percent?: number | null } | null;
}

/**
 * `npm run demo`: the embedded system with three simulated docks (MQTT 3.1.1, like any dock
 * on the embedded broker), one wayline uploaded to the file service, and one mission of each
 * type created through the mission API: immediate, timed (execute_time two minutes ahead, the
 * protocol's minimum) and conditional (flown once the dock reports flighttask_ready). Prints
 * every change; exits 0 when all three end `ok`. Its data directory (DATA_DIR, default
 * ./.data/demo) is emptied first.
 */
export async function runDemo(
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const dataDir = path.resolve(env.DATA_DIR ?? './.data/demo');
  await rm(dataDir, { recursive: true, force: true });
  const say = (text: string): void => void process.stdout.write(`${text}\n`);
  const running = await startStandalone({ env: { ...env, DATA_DIR: dataDir } });
  const docks: SimulatedDock[] = [];
  const started = Date.now();
  const stamp = (): string => `[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s]`;
  try {
    const protocolVersion = running.parts.mqtt ? 4 : 5;
    // The docks join the default organization with the code of DATA_DIR/credentials.json, as
    // `npm run simulate -- --credentials <file>` (and an operator in Pilot 2) would.
    const credentials = await readCredentials(path.join(running.dataDir, CREDENTIALS_FILE));
    if (credentials === undefined) throw new Error(`no ${CREDENTIALS_FILE} in ${running.dataDir}`);
    const organization = {
      id: credentials.organization.id,
      bindingCode: credentials.organization.binding_code,
    };
    const behaviour = {
      speed: 30,
      waypoints: 6,
      progressIntervalMs: 500,
      osdIntervalMs: 5_000,
      organization,
    };
    for (const [index, battery] of [100, 100, 20].entries()) {
      const dock = createSimulatedDock({
        sn: `DEMO000${index + 1}`,
        mqtt: { url: running.mqttUrl, protocolVersion, reconnectPeriodMs: 500 },
        behaviour: { ...behaviour, battery },
      });
      docks.push(dock);
      await dock.start();
    }
    await waitFor(
      () => docks.every((dock) => dock.snapshot().replies.latenciesMs.status_reply.length > 0),
      20_000,
      'the simulated docks were not announced through the gateway',
    );
    say(`${stamp()} 3 simulated docks online: ${docks.map((dock) => dock.sn).join(', ')}`);
    await waitFor(
      () => docks.every((dock) => dock.snapshot().onboarding.state === 'bound'),
      20_000,
      () =>
        `the simulated docks did not bind to ${credentials.organization.name}: ` +
        docks.map((dock) => `${dock.sn} ${JSON.stringify(dock.snapshot().onboarding)}`).join(', '),
    );
    say(
      `${stamp()} bound to ${credentials.organization.name} (${organization.id}) with the code of ${CREDENTIALS_FILE}`,
    );

    const shape = { author: `demo ${new Date().toISOString()}`, waypoints: 6 };
    const kmz = await sampleKmz(shape);
    const wayline = await uploadWayline(running, kmz);
    say(
      `${stamp()} wayline ${wayline.id} uploaded (MD5 ${createHash('md5').update(kmz).digest('hex')})`,
    );

    const now = Date.now();
    const tasks: DemoTask[] = [
      { kind: 'immediate', dock: docks[0] },
      { kind: 'timed', dock: docks[1] },
      { kind: 'conditional', dock: docks[2] },
    ];
    for (const task of tasks) {
      const spec =
        task.kind === 'timed'
          ? { taskType: 'timed', executeTime: now + 2 * MINUTE + 5_000 }
          : task.kind === 'conditional'
            ? {
                taskType: 'conditional',
                readyConditions: {
                  batteryCapacity: 50,
                  beginTime: now,
                  endTime: now + 10 * MINUTE,
                },
              }
            : { taskType: 'immediate' };
      const created = await api<TaskView>(running, 'POST', '/tasks', {
        name: `demo ${task.kind}`,
        gatewaySn: task.dock.sn,
        waylineId: wayline.id,
        rthAltitude: 100,
        exitWaylineWhenRcLost: 0,
        ...spec,
      });
      task.flightId = created.flightId;
      say(`${stamp()} ${task.kind.padEnd(11)} task ${created.flightId} for ${task.dock.sn}`);
    }
    say(
      `${stamp()} the timed task waits for its execute_time (2 min ahead, the protocol's minimum);` +
        ` the conditional one for its dock's battery (charging from 20 % to 50 %)`,
    );

    let chargedAt: number | undefined;
    while (Date.now() - started < DEMO_TIMEOUT_MS) {
      for (const task of tasks) {
        const view = await api<TaskView>(running, 'GET', `/tasks/${task.flightId}`);
        const step = view.progress?.currentStep;
        const percent = view.progress?.percent;
        const line =
          `${task.kind.padEnd(11)} ${task.dock.sn}  ${view.state.padEnd(12)}` +
          (step === undefined || step === null ? '' : ` step ${step}`) +
          (percent === undefined || percent === null ? '' : ` ${percent} %`);
        if (line !== task.line) say(`${stamp()} ${line}`);
        task.line = line;
        task.state = view.state;
      }
      // The conditional task's dock: after a while "charged" (as a real dock would be).
      if (chargedAt === undefined && tasks[2].state === 'prepared' && Date.now() - now > 15_000) {
        chargedAt = Date.now();
        tasks[2].dock.setBattery(95);
        say(`${stamp()} ${tasks[2].dock.sn} charged to 95 %: it reports flighttask_ready`);
      }
      if (tasks.every((task) => isTaskState(task.state) && isFinalTaskState(task.state))) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const ok = tasks.every((task) => task.state === 'ok');
    say('');
    for (const task of tasks) say(`  ${task.kind.padEnd(11)} ${task.flightId}  ${task.state}`);
    say(
      ok
        ? `\nAll three missions flown to ok in ${Math.round((Date.now() - started) / 1000)} s. ` +
            `Their timelines: ${running.httpUrl}/flights/<flightId>/progress`
        : '\nNot every mission ended ok (see above).',
    );
    return ok ? 0 : 1;
  } finally {
    await Promise.all(docks.map((dock) => dock.stop()));
    await running.shutdown('demo finished');
  }
}

async function uploadWayline(running: RunningStandalone, kmz: Buffer): Promise<{ id: string }> {
  const form = new FormData();
  form.append('name', 'demo');
  form.append('file', new Blob([kmz], { type: 'application/vnd.google-earth.kmz' }), 'demo.kmz');
  return api<{ id: string }>(running, 'POST', '/waylines', form);
}

async function api<T>(
  running: RunningStandalone,
  method: string,
  route: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (running.apiToken) headers.authorization = `Bearer ${running.apiToken}`;
  let payload: string | FormData | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${running.httpUrl}${route}`, { method, headers, body: payload });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  /** A function: said as things stand when the wait gives up. */
  failure: string | (() => string),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(typeof failure === 'string' ? failure : failure());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
