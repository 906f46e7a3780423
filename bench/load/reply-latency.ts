/**
 * events_reply latency: `docks` docks, one MQTT connection each (client id = SN), each
 * publishing one flighttask_progress event with need_reply 1 per `intervalMs` (phases spread
 * evenly) and timing the events_reply with the same tid on its own events_reply topic.
 */
import mqtt, { MqttClient } from 'mqtt';
import { childArgs, report, runChild, waitForParent } from '../lib/child';
import { dockSn, progressPayload } from './payloads';
import { ReplyTimer, SimulatedDocksArgs } from './reply-timer';

interface Args extends SimulatedDocksArgs {
  intervalMs: number;
  durationMs: number;
}

async function main(): Promise<void> {
  const args = childArgs<Args>();
  const replies = new ReplyTimer();
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
    client.on('message', replies.onReply);
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
  const timers: NodeJS.Timeout[] = [];
  clients.forEach((client, i) => {
    const sn = dockSn(args.snPrefix, i);
    const phase = (i * args.intervalMs) / args.docks;
    const send = (): void => {
      if (Date.now() - started >= args.durationMs) return;
      const tid = `${args.tidPrefix}${seq++}`;
      replies.publishing(tid);
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
  await replies.finish(clients);
}

runChild('reply generator', main);
