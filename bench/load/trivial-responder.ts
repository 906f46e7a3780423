/**
 * The floor the burst row compares the gateway with: about 20 lines that answer every event
 * asking for a reply at once (MQTT.js, one connection, acknowledgement on receipt), with no
 * validation, no Kafka and no state. It listens under its own topic root, so a gateway on the
 * same broker does not answer the same events.
 */
import mqtt from 'mqtt';
import { childArgs, onStop, report, runChild } from '../lib/child';

interface Args {
  mqttUrl: string;
  protocolVersion: 4 | 5;
  root: string;
}

async function main(): Promise<void> {
  const args = childArgs<Args>();
  const client = await mqtt.connectAsync(args.mqttUrl, {
    clientId: `bench-trivial-responder-${process.pid}`,
    protocolVersion: args.protocolVersion,
    clean: true,
  });
  client.on('message', (topic, payload) => {
    const event = JSON.parse(payload.toString()) as Record<string, unknown>;
    if (event.need_reply !== 1) return;
    const reply = {
      tid: event.tid,
      bid: event.bid,
      timestamp: Date.now(),
      method: event.method,
      data: { result: 0 },
    };
    client.publish(`${topic}_reply`, JSON.stringify(reply), { qos: 1 });
  });
  await client.subscribeAsync(`${args.root}/+/events`, { qos: 1 });
  onStop(() => client.endAsync());
  await report({ type: 'ready' });
}

runChild('trivial responder', main);
