/**
 * The burst of issue #18: `docks` docks (one MQTT connection each), each publishing `perDock`
 * flighttask_progress events with need_reply 1, `gapMs` apart, all docks at once; `bursts`
 * such bursts `burstIntervalMs` apart. Times each events_reply (same tid) from the publish.
 * `root` is the topic root: `thing/product` for the gateway, another for a trivial responder
 * on the same broker (the gateway does not listen there).
 */
import mqtt, { MqttClient } from 'mqtt';
import { childArgs, report, runChild, waitForParent } from '../lib/child';
import { dockSn, progressPayload } from './payloads';
import { ReplyTimer, SimulatedDocksArgs } from './reply-timer';

interface Args extends SimulatedDocksArgs {
  protocolVersion: 4 | 5;
  root: string;
  perDock: number;
  gapMs: number;
  bursts: number;
  burstIntervalMs: number;
}

async function main(): Promise<void> {
  const args = childArgs<Args>();
  const replies = new ReplyTimer();
  const clients: MqttClient[] = [];
  for (let i = 0; i < args.docks; i++) {
    const sn = dockSn(args.snPrefix, i);
    const client = await mqtt.connectAsync(args.mqttUrl, {
      clientId: `${sn}-${args.root.replace(/\W/g, '')}`,
      protocolVersion: args.protocolVersion,
      clean: true,
      reconnectPeriod: 1_000,
    });
    client.on('message', replies.onReply);
    await client.subscribeAsync(`${args.root}/${sn}/events_reply`, { qos: 1 });
    clients.push(client);
  }
  await report({ type: 'ready' });
  await waitForParent('go');
  let seq = 0;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  for (let burst = 0; burst < args.bursts; burst++) {
    const started = performance.now();
    for (let n = 0; n < args.perDock; n++) {
      // Each round publishes one event per dock; rounds are gapMs apart (from the burst start).
      const due = started + n * args.gapMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      clients.forEach((client, i) => {
        const sn = dockSn(args.snPrefix, i);
        const tid = `${args.tidPrefix}${seq++}`;
        replies.publishing(tid);
        client.publish(`${args.root}/${sn}/events`, progressPayload(sn, tid, Date.now(), 1, n), {
          qos: 1,
        });
      });
    }
    await sleep(args.burstIntervalMs);
  }
  // Replies still owed get up to 5 s more.
  for (let i = 0; i < 50 && replies.owed > 0; i++) await sleep(100);
  await replies.finish(clients);
}

runChild('burst generator', main);
