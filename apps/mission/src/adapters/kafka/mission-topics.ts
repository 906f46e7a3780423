import { KAFKA_TOPICS } from '@dock/contracts';

/** The topics the mission service reads and writes; tests swap in topics of their own. */
export interface MissionTopics {
  commands: string;
  commandReplies: string;
  uplinkEvents: string;
  taskEvents: string;
  /** The registry's device events: which organization each dock is bound to. */
  deviceEvents: string;
}

export const MISSION_TOPICS: MissionTopics = {
  commands: KAFKA_TOPICS.commands,
  commandReplies: KAFKA_TOPICS.commandReplies,
  uplinkEvents: KAFKA_TOPICS.uplink.events,
  taskEvents: KAFKA_TOPICS.taskEvents,
  deviceEvents: KAFKA_TOPICS.deviceEvents,
};
