/**
 * Command round trip load: `docks` simulated docks (the dock simulator library, one MQTT
 * connection per dock) and a REST client. For `tasks` docks in turn, at `rate` per second, it
 * creates an immediate task (POST /tasks, the mission replicas in turn) and reads the task
 * (GET /tasks/{id}, every `pollMs`) until its state has left scheduled/preparing: REST → outbox
 * → dock.commands → gateway → MQTT services → dock → services_reply → gateway →
 * dock.command-replies → mission → PostgreSQL → readable. The docks answer prepare and execute
 * and fly the task (fast: speed 300, the flight is compressed, so a dock is free again soon), as
 * a real dock does; the row measures the system, not a harness that leaves every dock occupied
 * until the gateway's deadline.
 *
 * The reads start once the task's dock has published its answer to the prepare (the fleet's
 * `onPublish` hook): before that the state cannot have changed, and reading it every few ms
 * from creation loaded the mission API with the benchmark's own traffic, the more the slower
 * the system was (a feedback loop under load). The figure is still the time from the POST to
 * the first read that shows the new state.
 */
import { Outbound, startFleet } from '../../apps/dock-simulator/src';
import { childArgs, report, runChild, waitForParent } from '../lib/child';

interface Args {
  mqttUrl: string;
  /** The mission replicas; task i is created and read on replica i mod n. */
  missionUrls: string[];
  docks: number;
  tasks: number;
  rate: number;
  pollMs: number;
  snPrefix: string;
}

interface TaskAnswer {
  flightId: string;
  state: string;
}

const WAYLINE = '6f1c2a44-3b7e-4c1a-9d7e-2b5a8c9d0e1f';

async function main(): Promise<void> {
  const args = childArgs<Args>();
  const fleet = await startFleet({
    docks: args.docks,
    snPrefix: args.snPrefix,
    mqtt: { url: args.mqttUrl },
    connectConcurrency: 100,
    behaviour: { speed: 300 },
    onPublish: (sn, message) => prepareAnswers.observe(sn, message),
  });
  await report({ type: 'ready' });
  await waitForParent('go');
  const latencies: number[] = [];
  const answerToReadable: number[] = [];
  let reads = 0;
  const failures: string[] = [];
  const states: Record<string, number> = {};
  const inFlight: Promise<void>[] = [];
  const started = Date.now();
  for (let i = 0; i < args.tasks; i++) {
    const due = started + (i * 1000) / args.rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sn = `${args.snPrefix}${String((i % args.docks) + 1).padStart(4, '0')}`;
    inFlight.push(
      roundTrip(args, sn, i).then(
        (outcome) => {
          latencies.push(outcome.ms);
          answerToReadable.push(outcome.afterAnswerMs);
          reads += outcome.reads;
          states[outcome.state] = (states[outcome.state] ?? 0) + 1;
        },
        (error: unknown) => {
          if (failures.length < 20) failures.push(describe(error));
          else failures.length++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const fleetReport = await fleet.stop();
  await report({
    type: 'done',
    latencies,
    answerToReadable,
    reads,
    readRetries,
    failures: failures.length,
    failureSamples: failures.slice(0, 5),
    states,
    repliesMissing: fleetReport.replies.missingTotal,
  });
  process.exit(0);
}

/**
 * Waiters for a dock's answer to flighttask_prepare, by dock SN, oldest first. A waiter is
 * registered before its task is created, so an answer faster than the POST's response counts.
 */
class PrepareAnswers {
  private readonly waiting = new Map<string, ((at: number) => void)[]>();

  next(sn: string): Promise<number> {
    return new Promise((resolve) => {
      const queue = this.waiting.get(sn) ?? [];
      queue.push(resolve);
      this.waiting.set(sn, queue);
    });
  }

  observe(sn: string, message: Outbound): void {
    if (message.family !== 'services_reply' || message.method !== 'flighttask_prepare') return;
    const queue = this.waiting.get(sn);
    const resolve = queue?.shift();
    if (queue?.length === 0) this.waiting.delete(sn);
    resolve?.(performance.now());
  }
}

const prepareAnswers = new PrepareAnswers();

/** Reads resent after a transport error (not an HTTP status): reported with the row. */
let readRetries = 0;

/**
 * GET, once more on a transport error: a keep-alive connection that idled while the client
 * waited for the dock may be closed by the server just as it is reused (a read is idempotent;
 * a POST is never resent). An error status is returned as it is.
 */
async function readTask(url: string): Promise<Response> {
  try {
    return await fetch(url);
  } catch {
    readRetries += 1;
    return fetch(url);
  }
}

/** The error with its cause (fetch's "fetch failed" says nothing without it). */
function describe(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause === undefined ? String(error) : `${String(error)} (cause: ${String(cause)})`;
}

async function roundTrip(
  args: Args,
  sn: string,
  i: number,
): Promise<{ ms: number; afterAnswerMs: number; reads: number; state: string }> {
  const missionUrl = args.missionUrls[i % args.missionUrls.length];
  const answered = prepareAnswers.next(sn);
  const t0 = performance.now();
  const created = await fetch(`${missionUrl}/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: `bench ${i}`,
      gatewaySn: sn,
      waylineId: WAYLINE,
      taskType: 'immediate',
      rthAltitude: 100,
      exitWaylineWhenRcLost: 0,
    }),
  });
  if (created.status !== 201 && created.status !== 200) {
    throw new Error(`POST /tasks ${created.status}: ${await created.text()}`);
  }
  const task = (await created.json()) as TaskAnswer;
  const deadline = t0 + 30_000;
  const answeredAt = await Promise.race([
    answered,
    new Promise<null>((r) => setTimeout(() => r(null), 30_000)),
  ]);
  if (answeredAt === null) throw new Error(`dock ${sn} did not answer the prepare in 30 s`);
  let reads = 0;
  while (performance.now() < deadline) {
    const read = await readTask(`${missionUrl}/tasks/${task.flightId}`);
    const now = performance.now();
    reads += 1;
    const current = (await read.json()) as TaskAnswer;
    if (current.state !== 'scheduled' && current.state !== 'preparing') {
      return { ms: now - t0, afterAnswerMs: now - answeredAt, reads, state: current.state };
    }
    await new Promise((r) => setTimeout(r, args.pollMs));
  }
  throw new Error(`task ${task.flightId} still preparing after 30 s`);
}

runChild('command client', main);
