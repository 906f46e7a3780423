import pino from 'pino';
import { eventually } from '../../../../test/support/eventually';
import { DoublingBackoff, OutboxRelayLoop } from './outbox-relay-loop';
import { OUTBOX_LOCKED } from './pg-outbox-relay';

const logger = pino({ level: 'silent' });

describe('OutboxRelayLoop', () => {
  it('relays batch after batch while the outbox holds records', async () => {
    const batches = [500, 500, 12, 0];
    let calls = 0;
    const loop = new OutboxRelayLoop({ relay: async () => batches[calls++] ?? 0 }, 60_000, logger);
    loop.start();
    await eventually(() => expect(calls).toBeGreaterThanOrEqual(4), { timeoutMs: 2_000 });
    await loop.stop();
    expect(calls).toBe(4);
  });

  it('relays once more at drain, after the loop stopped, and survives a failing relay', async () => {
    const events: string[] = [];
    let failing = false;
    const loop = new OutboxRelayLoop(
      {
        relay: async () => {
          events.push('relay');
          if (failing) throw new Error('bus away');
          return 0;
        },
      },
      60_000,
      logger,
    );
    loop.start();
    await eventually(() => expect(events).toHaveLength(1), { timeoutMs: 2_000 });
    failing = true;
    await expect(loop.drain()).resolves.toBeUndefined();
    expect(events).toEqual(['relay', 'relay']);
  });

  it('tries again within milliseconds when another replica holds the lock, not after the interval', async () => {
    const answers = [OUTBOX_LOCKED, OUTBOX_LOCKED, OUTBOX_LOCKED, 3, 0];
    const at: number[] = [];
    const loop = new OutboxRelayLoop(
      {
        relay: async () => {
          at.push(Date.now());
          return answers[at.length - 1] ?? 0;
        },
      },
      60_000,
      logger,
    );
    const started = Date.now();
    loop.start();
    // 5 + 10 + 20 ms of backoff, then the batch and the empty read right after it.
    await eventually(() => expect(at).toHaveLength(5), { timeoutMs: 2_000, intervalMs: 5 });
    expect(at[4] - started).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 100));
    await loop.stop();
    expect(at).toHaveLength(5);
  });
});

describe('DoublingBackoff', () => {
  it('waits 5, 10, 20 … ms up to its cap, and starts over after a reset', () => {
    const backoff = new DoublingBackoff(5, 30);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([
      5, 10, 20, 30,
    ]);
    backoff.reset();
    expect(backoff.next()).toBe(5);
    expect(new DoublingBackoff(5, 3).next()).toBe(3);
  });
});
