import { KAFKA_TOPICS } from '@dock/contracts';

/** The topics the media service reads and writes; tests swap in topics of their own. */
export interface MediaTopics {
  uplinkRequests: string;
  uplinkEvents: string;
  taskEvents: string;
  commands: string;
  commandReplies: string;
  requestReplies: string;
  mediaRecords: string;
}

export const MEDIA_TOPICS: MediaTopics = {
  uplinkRequests: KAFKA_TOPICS.uplink.requests,
  uplinkEvents: KAFKA_TOPICS.uplink.events,
  taskEvents: KAFKA_TOPICS.taskEvents,
  commands: KAFKA_TOPICS.commands,
  commandReplies: KAFKA_TOPICS.commandReplies,
  requestReplies: KAFKA_TOPICS.requestReplies,
  mediaRecords: KAFKA_TOPICS.mediaRecords,
};
