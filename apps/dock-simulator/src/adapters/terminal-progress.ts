import type { FleetProgress } from '../fleet/fleet';

/**
 * Live counters while the fleet runs: one line rewritten in place on a terminal, a plain line
 * every `plainEveryMs` otherwise (CI logs, pipes), so neither floods.
 */
export interface ProgressDisplay {
  stop(): void;
}

export interface ProgressDisplayOptions {
  readonly read: () => FleetProgress;
  readonly stream?: NodeJS.WriteStream;
  readonly refreshMs?: number;
  readonly plainEveryMs?: number;
}

export function formatProgress(p: FleetProgress, elapsedS: number, ratePerS: number): string {
  return (
    `${elapsedS.toFixed(0).padStart(4)} s | docks ${p.online}/${p.docks} online | ` +
    `sent ${p.published} (${Math.round(ratePerS)}/s) | tasks open ${p.tasksOpen} ok ${p.tasksOk} ` +
    `failed ${p.tasksFailed} | replies pending ${p.repliesPending} missing ${p.repliesMissing}`
  );
}

export function startProgressDisplay(options: ProgressDisplayOptions): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const started = Date.now();
  let lastPublished = 0;
  let lastAt = started;
  let lastPlainAt = 0;

  const render = (force = false): void => {
    const now = Date.now();
    const progress = options.read();
    const rate = ((progress.published - lastPublished) * 1000) / Math.max(1, now - lastAt);
    lastPublished = progress.published;
    lastAt = now;
    const line = formatProgress(progress, (now - started) / 1000, rate);
    if (tty) {
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 200) - 1)}`);
    } else if (force || now - lastPlainAt >= (options.plainEveryMs ?? 5_000)) {
      lastPlainAt = now;
      stream.write(`${line}\n`);
    }
  };

  const timer = setInterval(() => render(), options.refreshMs ?? (tty ? 500 : 1_000));
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      render(true);
      if (tty) stream.write('\n');
    },
  };
}
