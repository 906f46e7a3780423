import pino from 'pino';
import { PeriodicLoop } from './periodic-loop';

const logger = pino({ level: 'silent' });

/** Lets the loop's awaited work and timers settle after the fake clock moved. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('PeriodicLoop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs again after the delay a run asks for, capped by the interval', async () => {
    const runs: number[] = [];
    const loop = new PeriodicLoop(
      'test',
      1_000,
      async () => {
        runs.push(Date.now());
        return { nextRunInMs: runs.length === 1 ? 50 : 5_000 };
      },
      logger,
    );
    const start = Date.now();
    loop.start();
    await settle();
    expect(runs).toEqual([start]);
    await jest.advanceTimersByTimeAsync(50);
    expect(runs).toEqual([start, start + 50]);
    await jest.advanceTimersByTimeAsync(999);
    expect(runs).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1); // 5,000 asked, the interval (1,000) wins
    expect(runs).toEqual([start, start + 50, start + 1_050]);
    await loop.stop();
  });

  it('wakeIn brings a waiting run forward, never back', async () => {
    const runs: number[] = [];
    const loop = new PeriodicLoop(
      'test',
      1_000,
      async () => {
        runs.push(Date.now());
      },
      logger,
    );
    const start = Date.now();
    loop.start();
    await settle();
    loop.wakeIn(200);
    loop.wakeIn(600); // later than the wake already set: no change
    await jest.advanceTimersByTimeAsync(200);
    expect(runs).toEqual([start, start + 200]);
    loop.wakeIn(0);
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toEqual([start, start + 200, start + 200]);
    await loop.stop();
  });

  it('ignores a result that is not a delay (other loops return counts)', async () => {
    const runs: number[] = [];
    const loop = new PeriodicLoop(
      'test',
      1_000,
      async () => {
        runs.push(Date.now());
        return 0;
      },
      logger,
    );
    const start = Date.now();
    loop.start();
    await settle();
    await jest.advanceTimersByTimeAsync(999);
    expect(runs).toEqual([start]);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toEqual([start, start + 1_000]);
    await loop.stop();
  });
});
