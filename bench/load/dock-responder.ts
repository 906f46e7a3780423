/**
 * Lightweight docks for the scheduler benchmark: `docks` dock SNs multiplexed over
 * `connections` MQTT connections (each subscribes to its docks' services topics). Every
 * service is answered at once with result 0 on services_reply, as a dock answers prepare and
 * execute; an executed flight ends `flightMs` later with a final flighttask_progress (status ok),
 * as a dock reports the end of its task, so the dock is free for its next task. The receipt time
 * of each flighttask_execute is kept per flight_id (with a count, to find any sent twice).
 */
import mqtt, { MqttClient } from 'mqtt';
import { childArgs, report, runChild, waitForParent } from '../lib/child';
import { dockSn, finalProgressPayload } from './payloads';

interface Args {
  mqttUrl: string;
  docks: number;
  connections: number;
  snPrefix: string;
  /** From the execute to the flight's final progress report. */
  flightMs?: number;
}

interface ServiceCall {
  tid: string;
  bid: string;
  method: string;
  data?: { flight_id?: string };
}

async function main(): Promise<void> {
  const args = childArgs<Args>();
  const executes = new Map<string, { first: number; count: number }>();
  const calls: Record<string, number> = {};
  const clients: MqttClient[] = [];
  for (let c = 0; c < args.connections; c++) {
    const client = mqtt.connect(args.mqttUrl, {
      clientId: `${args.snPrefix}-responder-${c}`,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 1_000,
    });
    const topics: string[] = [];
    for (let d = c; d < args.docks; d += args.connections) {
      topics.push(`thing/product/${dockSn(args.snPrefix, d)}/services`);
    }
    client.on('message', (topic, payload) => {
      const now = Date.now();
      const call = JSON.parse(payload.toString()) as ServiceCall;
      calls[call.method] = (calls[call.method] ?? 0) + 1;
      if (call.method === 'flighttask_execute' && call.data?.flight_id) {
        const seen = executes.get(call.data.flight_id);
        if (seen) seen.count++;
        else executes.set(call.data.flight_id, { first: now, count: 1 });
      }
      const sn = topic.split('/')[2];
      client.publish(
        `thing/product/${sn}/services_reply`,
        JSON.stringify({
          tid: call.tid,
          bid: call.bid,
          timestamp: now,
          method: call.method,
          gateway: sn,
          data: { result: 0 },
        }),
        { qos: 1 },
      );
      if (call.method === 'flighttask_execute' && call.data?.flight_id) {
        const flightId = call.data.flight_id;
        setTimeout(() => {
          const at = Date.now();
          client.publish(
            `thing/product/${sn}/events`,
            finalProgressPayload(sn, flightId, `${flightId}-end`, at),
            { qos: 1 },
          );
        }, args.flightMs ?? 2_000);
      }
    });
    await new Promise((resolve) => client.once('connect', resolve));
    for (let i = 0; i < topics.length; i += 100) {
      await client.subscribeAsync(topics.slice(i, i + 100), { qos: 1 });
    }
    clients.push(client);
  }
  await report({ type: 'ready' });
  await waitForParent('collect');
  await report({
    type: 'executes',
    calls,
    executes: [...executes].map(([flightId, e]) => [flightId, e.first, e.count]),
  });
  await Promise.all(clients.map((c) => c.endAsync(true)));
  process.exit(0);
}

runChild('dock responder', main);
