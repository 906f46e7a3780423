import mqtt, { MqttClient } from 'mqtt';
import pino from 'pino';
import { eventually } from '../../../../test/support/eventually';
import { EmbeddedMqttBroker } from './mqtt-broker';
import { EmbeddedMqttAccess } from './mqtt-broker-access';

/**
 * The embedded broker's packet size limit (MQTT_MAX_PACKET_BYTES): a PUBLISH over it closes
 * that client's connection, and the broker goes on serving every other client.
 */
const LIMIT = 64 * 1024;
let broker: EmbeddedMqttBroker;
const clients: MqttClient[] = [];

function connect(clientId: string): Promise<MqttClient> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${broker.port.port}`, {
    clientId,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

beforeAll(async () => {
  const logger = pino({ level: 'silent' });
  const access = new EmbeddedMqttAccess(
    { gateway: { username: 'gateway', password: 'unused-in-this-test' }, allowAnonymous: true },
    logger,
  );
  broker = await EmbeddedMqttBroker.start(
    { what: 'MQTT', variable: 'MQTT_PORT', explicit: 0, fallback: 0, host: '127.0.0.1' },
    logger,
    access,
    LIMIT,
  );
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await broker?.close();
});

it('closes the client that publishes an oversized packet, and serves the others on', async () => {
  const listener = await connect('listener');
  const received: string[] = [];
  listener.on('message', (topic) => received.push(topic));
  await listener.subscribeAsync('thing/product/+/osd', { qos: 0 });

  const offender = await connect('offender');
  let offenderClosed = false;
  offender.on('close', () => (offenderClosed = true));
  offender.publish('thing/product/BIG/osd', Buffer.alloc(LIMIT, 0x61), { qos: 0 });
  await eventually(() => expect(offenderClosed).toBe(true));

  const dock = await connect('dock');
  await dock.publishAsync('thing/product/SMALL/osd', Buffer.alloc(LIMIT - 100, 0x61), { qos: 1 });
  await eventually(() => expect(received).toEqual(['thing/product/SMALL/osd']));
  expect(listener.connected).toBe(true);
  expect(broker.listening).toBe(true);
});
