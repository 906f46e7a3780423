/**
 * Telemetry load: flighttask_progress records in the gateway's output format (UplinkRecord,
 * keyed by dock SN, the contract's headers) written straight to the events topic at `rate`
 * per second for `durationMs`: `docks` docks, each flying its own flight, one report per
 * dock per docks/rate seconds. The gateway is not in this path (target 6 is about telemetry).
 */
import { BatchingProducer, createKafkaClient, encodeRecord } from '@dock/kafka';
import { createLogger } from '@dock/platform';
import { childArgs, report, runChild, waitForParent } from '../lib/child';
import { dockSn } from './payloads';

interface Args {
  topic: string;
  rate: number;
  durationMs: number;
  docks: number;
  tidPrefix: string;
}

async function main(): Promise<void> {
  const args = childArgs<Args>();
  const logger = createLogger({ service: 'bench-telemetry-producer', level: 'warn' });
  const kafka = createKafkaClient({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'bench-telemetry-producer',
    logger,
  });
  const producer = new BatchingProducer(kafka, { lingerMs: 5, maxBatchRecords: 2_000 });
  await producer.connect();
  await report({ type: 'ready' });
  await waitForParent('go');
  const started = Date.now();
  let sent = 0;
  let acked = 0;
  let failed = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = Math.min(Date.now() - started, args.durationMs);
      const due = Math.floor((args.rate * elapsed) / 1000);
      // At most 20,000 records unacknowledged: a slow Kafka shows as a lower rate, reported.
      while (sent < due && sent - acked - failed < 20_000) {
        const n = sent++;
        const dock = n % args.docks;
        const round = Math.floor(n / args.docks);
        const sn = dockSn('TEL', dock);
        const flight = `F-${sn}`;
        const tid = `${args.tidPrefix}${n}`;
        const now = Date.now();
        const value = {
          schemaVersion: 1,
          gatewaySn: sn,
          family: 'events',
          method: 'flighttask_progress',
          tid,
          bid: flight,
          timestamp: now,
          needReply: false,
          known: true,
          receivedAt: now,
          gateway: sn,
          data: {
            result: 0,
            output: {
              ext: {
                current_waypoint_index: round % 50,
                flight_id: flight,
                track_id: '8eaacdb3-af20-401b-b59c-e6b5502e5643',
                wayline_id: 0,
                wayline_mission_state: 5,
                media_count: round % 50,
              },
              progress: { current_step: 21, percent: round % 100 },
              status: 'in_progress',
            },
          },
        };
        const message = encodeRecord(sn, value, {
          tid,
          bid: flight,
          method: 'flighttask_progress',
          family: 'events',
        });
        producer.send(args.topic, message).then(
          () => acked++,
          () => failed++,
        );
      }
      if (Date.now() - started >= args.durationMs && sent >= due) resolve();
      else setTimeout(tick, 5);
    };
    tick();
  });
  await producer.flush();
  await report({
    type: 'done',
    sent,
    acked,
    failed,
    startedAt: started,
    publishMs: Date.now() - started,
  });
  await producer.disconnect();
  process.exit(0);
}

runChild('telemetry producer', main);
