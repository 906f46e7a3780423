import { KAFKA_TOPICS, UplinkFamily } from '@dock/contracts';

/** The Kafka topics the gateway reads and writes; tests swap in topics of their own. */
export interface GatewayTopics {
  readonly uplink: Readonly<Record<UplinkFamily, string>>;
  readonly deadLetter: string;
  readonly commands: string;
  readonly commandReplies: string;
  readonly requestReplies: string;
}

export const GATEWAY_TOPICS: GatewayTopics = {
  uplink: KAFKA_TOPICS.uplink,
  deadLetter: KAFKA_TOPICS.deadLetter,
  commands: KAFKA_TOPICS.commands,
  commandReplies: KAFKA_TOPICS.commandReplies,
  requestReplies: KAFKA_TOPICS.requestReplies,
};

/** Every topic of a GatewayTopics, e.g. to create them. */
export function allGatewayTopics(topics: GatewayTopics): string[] {
  return [
    ...Object.values(topics.uplink),
    topics.deadLetter,
    topics.commands,
    topics.commandReplies,
    topics.requestReplies,
  ];
}
