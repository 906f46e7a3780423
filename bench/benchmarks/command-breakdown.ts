import type { Kafka } from 'kafkajs';
import type { BenchTopics } from '../lib/kafka';
import { readAll } from '../lib/kafka';
import { LatencySummary, summarise } from '../lib/stats';

interface CommandValue {
  correlationId: string;
  method: string;
  requestedAt: number;
}

interface ReplyValue {
  correlationId: string;
  sentAt: number | null;
  completedAt: number;
}

/**
 * Where a command's time goes, from the records themselves: mission's outbox to Kafka
 * (record time − requestedAt), Kafka to MQTT (gateway sentAt − command record time), the dock
 * and back (completedAt − sentAt), and the reply's Kafka write (reply record time − completedAt).
 */
export async function commandBreakdown(
  kafka: Kafka,
  topics: BenchTopics,
  method: string,
): Promise<Record<string, LatencySummary>> {
  const records = await readAll(kafka, [topics.commands, topics.commandReplies, topics.taskEvents]);
  // One task per dock in this benchmark: the dock's SN joins task events and commands.
  const states = new Map<string, Record<string, number>>();
  const replyBySn = new Map<string, number>();
  const commands = new Map<string, { value: CommandValue; ts: number }>();
  const replies = new Map<string, { value: ReplyValue; ts: number }>();
  for (const r of records) {
    if (r.topic === topics.taskEvents) {
      const event = JSON.parse(r.value) as { gatewaySn: string; state: string; at: number };
      const seen = states.get(event.gatewaySn) ?? {};
      seen[event.state] ??= event.at;
      states.set(event.gatewaySn, seen);
      continue;
    }
    if (r.topic === topics.commands) {
      const value = JSON.parse(r.value) as CommandValue;
      if (value.method === method) commands.set(value.correlationId, { value, ts: r.timestamp });
    } else {
      const value = JSON.parse(r.value) as ReplyValue & { gatewaySn: string; method: string };
      replies.set(value.correlationId, { value, ts: r.timestamp });
      if (value.method === method) replyBySn.set(value.gatewaySn, r.timestamp);
    }
  }
  const outbox: number[] = [];
  const toMqtt: number[] = [];
  const dock: number[] = [];
  const replyWrite: number[] = [];
  for (const [id, command] of commands) {
    outbox.push(command.ts - command.value.requestedAt);
    const reply = replies.get(id);
    if (!reply || reply.value.sentAt === null) continue;
    toMqtt.push(reply.value.sentAt - command.ts);
    dock.push(reply.value.completedAt - reply.value.sentAt);
    replyWrite.push(reply.ts - reply.value.completedAt);
  }
  const dispatch: number[] = [];
  const consume: number[] = [];
  for (const [sn, seen] of states) {
    if (seen.scheduled !== undefined && seen.preparing !== undefined) {
      dispatch.push(seen.preparing - seen.scheduled);
    }
    const replyTs = replyBySn.get(sn);
    if (replyTs !== undefined && seen.prepared !== undefined) consume.push(seen.prepared - replyTs);
  }
  return {
    'created → scheduler dispatch': summarise(dispatch),
    'mission outbox → Kafka': summarise(outbox),
    'Kafka → gateway → MQTT publish': summarise(toMqtt),
    'dock round trip (MQTT)': summarise(dock),
    'reply → Kafka': summarise(replyWrite),
    'reply record → mission state': summarise(consume),
  };
}
