/**
 * events_reply latency: `docks` docks, one MQTT connection each (client id = SN), each
 * publishing one flighttask_progress event with need_reply 1 per `intervalMs` (phases spread
 * evenly) and timing the events_reply with the same tid on its own events_reply topic.
 */
import mqtt, { MqttClient } from 'mqtt';
import { childArgs, report, waitForParent } from '../lib/child';
import { dockSn, progressPayload } from './payloads';

interface Args {
  mqttUrl: string;
  docks: number;
  intervalMs: number;
  durationMs: number;
  snPrefix: string;
  tidPrefix: string;
}

async function main(): Promise<void> {
  const args = childArgs<Args>();
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  let unexpected = 0;
  const clients: MqttClient[] = [];
  const connecting: Promise<unknown>[] = [];
  for (let i = 0; i < args.docks; i++) {
    const sn = dockSn(args.snPrefix, i);
    const client = mqtt.connect(args.mqttUrl, {
      clientId: sn,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 1_000,
    });
    client.on('message', (_topic, payload) => {
      const received = performance.now();
      const match = /"tid":"([^"]+)"/.exec(payload.toString());
      const at = match ? sent.get(match[1]) : undefined;
      if (!match || at === undefined) {
        unexpected++;
        return;
      }
      sent.delete(match[1]);
      latencies.push(received - at);
    });
    connecting.push(
      new Promise((resolve) => client.once('connect', resolve)).then(() =>
        client.subscribeAsync(`thing/product/${sn}/events_reply`, { qos: 1 }),
      ),
    );
    clients.push(client);
    if (i % 50 === 49) await Promise.all(connecting.slice(-50));
  }
  await Promise.all(connecting);
  await report({ type: 'ready' });
  await waitForParent('go');
  const started = Date.now();
  let seq = 0;
  let published = 0;
  const timers: NodeJS.Timeout[] = [];
  clients.forEach((client, i) => {
    const sn = dockSn(args.snPrefix, i);
    const phase = (i * args.intervalMs) / args.docks;
    const send = (): void => {
      if (Date.now() - started >= args.durationMs) return;
      const tid = `${args.tidPrefix}${seq++}`;
      sent.set(tid, performance.now());
      published++;
      client.publish(`thing/product/${sn}/events`, progressPayload(sn, tid, Date.now(), 1), {
        qos: 1,
      });
    };
    timers.push(
      setTimeout(() => {
        send();
        timers.push(setInterval(send, args.intervalMs));
      }, phase),
    );
  });
  await new Promise((r) => setTimeout(r, args.durationMs + 5_000));
  timers.forEach((t) => clearTimeout(t));
  await report({
    type: 'done',
    published,
    replied: latencies.length,
    missing: sent.size,
    unexpected,
    latencies,
  });
  await Promise.all(clients.map((c) => c.endAsync(true)));
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`reply generator failed: ${String(error)}\n`);
  process.exit(1);
});
