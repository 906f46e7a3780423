/**
 * The bare forwarder: the floor the gateway is compared with. The same libraries (MQTT.js,
 * kafkajs through libs/kafka's BatchingProducer with the same batching), the same shared
 * subscription and connection count, but no validation or normalisation, and each message is
 * acknowledged on receipt (MQTT.js acks before the handler runs), not after Kafka.
 */
import mqtt, { MqttClient } from 'mqtt';
import { BatchingProducer, createKafkaClient } from '@dock/kafka';
import { createLogger } from '@dock/platform';
import { childArgs, onStop, report, runChild } from './lib/child';
import type { BenchTopics } from './lib/kafka';

interface Args {
  topics: BenchTopics;
  mqttUrl: string;
  connections: number;
  shareGroup: string;
  lingerMs: number;
  maxBatchRecords: number;
}

const FILTERS = ['thing/product/+/events', 'thing/product/+/osd'];

async function main(): Promise<void> {
  const args = childArgs<Args>();
  const logger = createLogger({ service: 'bare-forwarder', level: 'warn' });
  const kafka = createKafkaClient({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'bench-bare-forwarder',
    logger,
  });
  const producer = new BatchingProducer(kafka, {
    lingerMs: args.lingerMs,
    maxBatchRecords: args.maxBatchRecords,
  });
  await producer.connect();
  let failed = 0;
  const clients: MqttClient[] = [];
  for (let i = 0; i < args.connections; i++) {
    const client = mqtt.connect(args.mqttUrl, {
      clientId: `bench-bare-${i}`,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 600 },
      reconnectPeriod: 1_000,
      resubscribe: false,
    });
    client.on('connect', () => {
      void client.subscribeAsync(
        FILTERS.map((f) => `$share/${args.shareGroup}/${f}`),
        { qos: 1 },
      );
    });
    client.on('message', (topic, payload) => {
      const parts = topic.split('/');
      const family = parts[3];
      const target = family === 'osd' ? args.topics.uplink.osd : args.topics.uplink.events;
      producer.send(target, { key: parts[2], value: payload }).catch(() => failed++);
    });
    clients.push(client);
  }
  await Promise.all(clients.map((c) => new Promise((r) => c.once('connect', r))));
  onStop(async () => {
    await Promise.all(clients.map((c) => c.endAsync(false)));
    await producer.disconnect();
    if (failed > 0) process.stderr.write(`bare forwarder: ${failed} writes failed\n`);
  });
  await report({ type: 'ready' });
}

runChild('bare forwarder', main);
