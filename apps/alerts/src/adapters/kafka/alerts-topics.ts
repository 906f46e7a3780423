import { KAFKA_TOPICS } from '@dock/contracts';

/** The topics the alerts service reads and writes; tests swap in topics of their own. */
export interface AlertsTopics {
  uplinkEvents: string;
  taskEvents: string;
  deviceEvents: string;
  hmsAlerts: string;
}

export const ALERTS_TOPICS: AlertsTopics = {
  uplinkEvents: KAFKA_TOPICS.uplink.events,
  taskEvents: KAFKA_TOPICS.taskEvents,
  deviceEvents: KAFKA_TOPICS.deviceEvents,
  hmsAlerts: KAFKA_TOPICS.hmsAlerts,
};
