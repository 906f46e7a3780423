import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BatchOutcome } from '@dock/kafka';
import type { GatewayMetrics, ReplyType } from '../../domain/shared/gateway-metrics';
import { DeferredCounts } from './deferred-counts';

/** Live values read when Prometheus scrapes. */
export interface GatewayGaugeSources {
  unacknowledged(): number;
  mqttConnected(): number;
}

/** The gateway's Prometheus metrics (names prefixed `gateway_`). */
export class PromGatewayMetrics implements GatewayMetrics {
  private readonly receivedTotal: Counter<'family'>;
  private readonly writtenTotal: Counter<'topic'>;
  private readonly deadLetteredTotal: Counter<'reason'>;
  private readonly repliesSentTotal: Counter<'type'>;
  private readonly commandsSentTotal: Counter<'method'>;
  private readonly commandsInvalidTotal: Counter<'reason'>;
  private readonly commandOutcomesTotal: Counter<'outcome'>;
  private readonly orphanRepliesTotal: Counter<'kind' | 'reason'>;
  private readonly timeoutsTotal: Counter<'kind'>;
  private readonly writeRetriesTotal: Counter;
  private readonly requestRepliesTotal: Counter<'method' | 'outcome'>;
  private readonly kafkaWriteSeconds: Histogram<'ok'>;
  private readonly kafkaBatchRecords: Histogram;
  // Counted per uplink message: added up here, into the counters when scraped.
  private readonly receivedCounts = new DeferredCounts('family');
  private readonly writtenCounts = new DeferredCounts('topic');
  private readonly repliesSentCounts = new DeferredCounts('type');

  constructor(registry: Registry, sources: GatewayGaugeSources) {
    const registers = [registry];
    this.receivedTotal = new Counter({
      name: 'gateway_uplink_received_total',
      help: 'Valid dock messages received, by family',
      labelNames: ['family'],
      registers,
      collect: () => this.receivedCounts.flushInto(this.receivedTotal),
    });
    this.writtenTotal = new Counter({
      name: 'gateway_kafka_records_written_total',
      help: 'Records acknowledged by Kafka, by topic',
      labelNames: ['topic'],
      registers,
      collect: () => this.writtenCounts.flushInto(this.writtenTotal),
    });
    this.deadLetteredTotal = new Counter({
      name: 'gateway_uplink_dead_lettered_total',
      help: 'Dock messages refused and written to the dead-letter topic, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.repliesSentTotal = new Counter({
      name: 'gateway_replies_sent_total',
      help: 'Replies published to docks, by type',
      labelNames: ['type'],
      registers,
      collect: () => this.repliesSentCounts.flushInto(this.repliesSentTotal),
    });
    this.commandsSentTotal = new Counter({
      name: 'gateway_commands_sent_total',
      help: 'Commands published to docks, by method',
      labelNames: ['method'],
      registers,
    });
    this.commandsInvalidTotal = new Counter({
      name: 'gateway_commands_invalid_total',
      help: 'Command records refused (not sent), by reason',
      labelNames: ['reason'],
      registers,
    });
    this.commandOutcomesTotal = new Counter({
      name: 'gateway_command_outcomes_total',
      help: 'Command reply records written: replied (matched a services_reply) or timeout',
      labelNames: ['outcome'],
      registers,
    });
    this.orphanRepliesTotal = new Counter({
      name: 'gateway_orphan_replies_total',
      help: 'Answers matching no pending call (late, duplicate, forged), by kind and reason',
      labelNames: ['kind', 'reason'],
      registers,
    });
    this.timeoutsTotal = new Counter({
      name: 'gateway_timeouts_total',
      help: 'Pending calls whose deadline passed, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.writeRetriesTotal = new Counter({
      name: 'gateway_kafka_write_retries_total',
      help: 'Uplink Kafka writes retried after a failure',
      registers,
    });
    this.requestRepliesTotal = new Counter({
      name: 'gateway_request_replies_total',
      help:
        'requests_reply sent, by request method (other = not a protocol request) and outcome: ' +
        'gateway (answered by the gateway: config), service, not_supported, malformed, ' +
        'unanswered (deadline), answer_refused',
      labelNames: ['method', 'outcome'],
      registers,
    });
    this.kafkaWriteSeconds = new Histogram({
      name: 'gateway_kafka_write_seconds',
      help: 'Duration of one Kafka produce request (a batch), until acknowledged',
      labelNames: ['ok'],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.kafkaBatchRecords = new Histogram({
      name: 'gateway_kafka_batch_records',
      help: 'Records per Kafka produce request',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers,
    });
    new Gauge({
      name: 'gateway_uplink_unacknowledged',
      help: 'Dock messages received and not yet acknowledged to the broker',
      registers,
      collect() {
        this.set(sources.unacknowledged());
      },
    });
    new Gauge({
      name: 'gateway_mqtt_connections_up',
      help: 'MQTT subscriber connections currently connected',
      registers,
      collect() {
        this.set(sources.mqttConnected());
      },
    });
  }

  received(family: string): void {
    this.receivedCounts.add(family);
  }
  written(topic: string): void {
    this.writtenCounts.add(topic);
  }
  deadLettered(reason: string): void {
    this.deadLetteredTotal.inc({ reason });
  }
  replySent(type: ReplyType): void {
    this.repliesSentCounts.add(type);
  }
  commandSent(method: string): void {
    this.commandsSentTotal.inc({ method });
  }
  commandInvalid(reason: string): void {
    this.commandsInvalidTotal.inc({ reason });
  }
  replyMatched(outcome: 'replied' | 'timeout'): void {
    this.commandOutcomesTotal.inc({ outcome });
  }
  orphanReply(kind: 'command' | 'request', reason: string): void {
    this.orphanRepliesTotal.inc({ kind, reason });
  }
  timedOut(kind: 'command' | 'request'): void {
    this.timeoutsTotal.inc({ kind });
  }
  writeRetried(): void {
    this.writeRetriesTotal.inc();
  }
  requestReplied(method: string, outcome: string): void {
    this.requestRepliesTotal.inc({ method, outcome });
  }
  kafkaBatch(outcome: BatchOutcome): void {
    this.kafkaWriteSeconds.observe({ ok: String(outcome.ok) }, outcome.durationMs / 1000);
    this.kafkaBatchRecords.observe(outcome.records);
  }
}
