/**
 * Creates timed tasks through the mission API (round robin over the replicas' URLs, `concurrency`
 * requests at once): task i for dock i (mod `docks`), execute_time = firstExecuteAt + i × spreadMs / count.
 * Reports each task's flight id and execute_time.
 */
import { childArgs, report, runChild } from '../lib/child';
import { dockSn } from './payloads';

interface Args {
  urls: string[];
  count: number;
  /** Docks the tasks go round (task i on dock i mod docks); default: one dock per task. */
  docks?: number;
  snPrefix: string;
  firstExecuteAt: number;
  spreadMs: number;
  concurrency: number;
}

const WAYLINE = '6f1c2a44-3b7e-4c1a-9d7e-2b5a8c9d0e1f';

async function main(): Promise<void> {
  const args = childArgs<Args>();
  const tasks: [string, number][] = [];
  const failures: string[] = [];
  let failed = 0;
  let next = 0;
  const started = Date.now();
  const worker = async (w: number): Promise<void> => {
    while (next < args.count) {
      const i = next++;
      const executeTime = args.firstExecuteAt + Math.floor((i * args.spreadMs) / args.count);
      const url = args.urls[(i + w) % args.urls.length];
      try {
        const response = await fetch(`${url}/tasks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: `timed ${i}`,
            gatewaySn: dockSn(args.snPrefix, i % (args.docks ?? args.count)),
            waylineId: WAYLINE,
            taskType: 'timed',
            executeTime,
            rthAltitude: 100,
            exitWaylineWhenRcLost: 0,
          }),
        });
        if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
        const task = (await response.json()) as { flightId: string };
        tasks.push([task.flightId, executeTime]);
      } catch (error) {
        failed++;
        if (failures.length < 5) failures.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, (_, w) => worker(w)));
  await report({ type: 'created', tasks, failed, failures, createMs: Date.now() - started });
  process.exit(0);
}

runChild('task creator', main);
