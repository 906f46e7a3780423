import { KAFKA_TOPICS } from '@dock/contracts';

/** The topics the registry reads and writes; tests swap in topics of their own. */
export interface RegistryTopics {
  requests: string;
  requestReplies: string;
  status: string;
  osd: string;
  state: string;
  deviceEvents: string;
}

export const REGISTRY_TOPICS: RegistryTopics = {
  requests: KAFKA_TOPICS.uplink.requests,
  requestReplies: KAFKA_TOPICS.requestReplies,
  status: KAFKA_TOPICS.uplink.status,
  osd: KAFKA_TOPICS.uplink.osd,
  state: KAFKA_TOPICS.uplink.state,
  deviceEvents: KAFKA_TOPICS.deviceEvents,
};
