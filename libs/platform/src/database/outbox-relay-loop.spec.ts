import pino from 'pino';
import { eventually } from '../../../../test/support/eventually';
import { OutboxRelayLoop } from './outbox-relay-loop';

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
});
