import pino from 'pino';
import { InProcessBus } from './in-process/in-process-bus';
import { eventually } from '../../../test/support/eventually';
import { ServiceBridge } from './service-bridge';

const logger = pino({ level: 'silent' });

describe('ServiceBridge', () => {
  let bus: InProcessBus;
  beforeEach(async () => {
    bus = await InProcessBus.open({ logger });
  });
  afterEach(async () => {
    await bus.close();
  });

  it('creates its topics, consumes per group and sends once connected', async () => {
    const bridge = new ServiceBridge(
      { bus, owned: false },
      bus.createProducer(),
      ['a', 'b', 'a'],
      logger,
    );
    await bridge.connect();
    const seen: string[] = [];
    await bridge.startConsumers([
      {
        groupId: 'g.a',
        topics: ['a'],
        handleBatch: async (records) => {
          seen.push(...records.map((record) => `a:${String(record.message.value)}`));
        },
      },
    ]);
    await bridge.consumersJoined();
    await bridge.producer.send('a', { key: 'k', value: '1' });
    await bridge.producer.send('b', { key: 'k', value: '2' });
    await eventually(() => expect(seen).toEqual(['a:1']), { timeoutMs: 2_000 });
    await bridge.stopConsumers();
    await bridge.disconnect();
    expect(bridge.producer.connected).toBe(false);
  });

  it('closes the bus at disconnect only when it owns it', async () => {
    const close = jest.spyOn(bus, 'close');
    const handedIn = new ServiceBridge({ bus, owned: false }, undefined, ['a'], logger);
    await handedIn.connect();
    await handedIn.disconnect();
    expect(close).not.toHaveBeenCalled();
    const owned = new ServiceBridge({ bus, owned: true }, undefined, [], logger);
    await owned.disconnect();
    expect(close).toHaveBeenCalledTimes(1);
  });
});
