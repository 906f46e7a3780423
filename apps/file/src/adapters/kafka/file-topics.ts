import { KAFKA_TOPICS } from '@dock/contracts';

/** The topics the file service reads and writes; tests swap in topics of their own. */
export interface FileTopics {
  requests: string;
  requestReplies: string;
  taskEvents: string;
}

export const FILE_TOPICS: FileTopics = {
  requests: KAFKA_TOPICS.uplink.requests,
  requestReplies: KAFKA_TOPICS.requestReplies,
  taskEvents: KAFKA_TOPICS.taskEvents,
};
