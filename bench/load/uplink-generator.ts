/**
 * Uplink load: `docks` simulated docks multiplexed over `connections` MQTT connections (a
 * connection publishes for docks/connections SNs; the topic carries the SN, so the broker and
 * the gateway see the same traffic as from one connection per dock, minus the connection count).
 * Open loop at `rate` msg/s for `durationMs`, QoS 1, alternating flighttask_progress events and
 * osd; at most `maxOutstanding` unacknowledged publishes per connection (then it falls behind,
 * which it reports). tids are `${tidPrefix}${n}`, so the orchestrator counts them in Kafka.
 */
import mqtt, { MqttClient } from 'mqtt';
import { childArgs, report, runChild, waitForParent } from '../lib/child';
import { dockSn, osdPayload, progressPayload } from './payloads';

interface Args {
  mqttUrl: string;
  connections: number;
  docks: number;
  rate: number;
  durationMs: number;
  tidPrefix: string;
  snPrefix: string;
  maxOutstanding: number;
}

async function main(): Promise<void> {
  const args = childArgs<Args>();
  const clients: MqttClient[] = [];
  for (let i = 0; i < args.connections; i++) {
    clients.push(
      mqtt.connect(args.mqttUrl, {
        clientId: `${args.tidPrefix}pub-${i}`,
        protocolVersion: 5,
        clean: true,
        reconnectPeriod: 1_000,
      }),
    );
  }
  await Promise.all(clients.map((c) => new Promise((r) => c.once('connect', r))));
  const outstanding = new Array<number>(args.connections).fill(0);
  await report({ type: 'ready' });
  await waitForParent('go');

  let sent = 0;
  let acked = 0;
  let failed = 0;
  let skipped = 0;
  let seq = 0;
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = Date.now();
      const elapsed = now - started;
      const due = Math.min(
        Math.floor((args.rate * Math.min(elapsed, args.durationMs)) / 1000),
        Math.floor((args.rate * args.durationMs) / 1000),
      );
      while (sent + skipped < due) {
        const n = seq++;
        const dock = n % args.docks;
        const c = dock % args.connections;
        if (outstanding[c] >= args.maxOutstanding) {
          skipped++;
          continue;
        }
        const sn = dockSn(args.snPrefix, dock);
        const tid = `${args.tidPrefix}${n}`;
        // Each dock alternates event and osd; half the docks start with each.
        const isEvent = (Math.floor(n / args.docks) + dock) % 2 === 0;
        const topic = `thing/product/${sn}/${isEvent ? 'events' : 'osd'}`;
        const payload = isEvent ? progressPayload(sn, tid, now, 0) : osdPayload(sn, tid, now);
        outstanding[c]++;
        sent++;
        clients[c].publish(topic, payload, { qos: 1 }, (error) => {
          outstanding[c]--;
          if (error) failed++;
          else acked++;
        });
      }
      if (elapsed >= args.durationMs) resolve();
      else setTimeout(tick, 5);
    };
    tick();
  });
  const publishMs = Date.now() - started;
  // Wait for the broker's PUBACKs of what was sent.
  const deadline = Date.now() + 60_000;
  while (acked + failed < sent && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await report({
    type: 'done',
    sent,
    acked,
    failed,
    skipped,
    startedAt: started,
    publishMs,
    ackedAt: Date.now(),
  });
  await Promise.all(clients.map((c) => c.endAsync(false)));
  process.exit(0);
}

runChild('uplink generator', main);
