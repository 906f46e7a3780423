import { Admin, Kafka, logLevel } from 'kafkajs';
import '../../../../kafka/src/kafkajs-request-queue-fix';
import { KafkaSecurity, kafkaSecurityOptions } from '@dock/kafka';
import { ClosableCheck } from './closable-check';

/**
 * Kafka answers when the cluster metadata can be read through an admin connection. `security`
 * must be the service's own (kafkaSecurity(config)): without it a TLS or SASL listener refuses
 * the probe and readiness would report a healthy cluster as down.
 */
export function kafkaCheck(
  brokers: string[],
  clientId: string,
  security: KafkaSecurity = {},
): ClosableCheck {
  let admin: Admin | undefined;
  let connecting: Promise<void> | undefined;
  const kafka = new Kafka({
    clientId: `${clientId}-health`,
    brokers,
    ...kafkaSecurityOptions(security),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  });
  return {
    name: 'kafka',
    async check() {
      if (!admin) {
        admin = kafka.admin();
        connecting = admin.connect();
      }
      try {
        await connecting;
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('cluster reports no brokers');
      } catch (error) {
        // Start over on the next probe rather than keep a half-open admin client.
        const broken = admin;
        admin = undefined;
        await broken?.disconnect().catch(() => undefined);
        throw error;
      }
    },
    async close() {
      await admin?.disconnect().catch(() => undefined);
      admin = undefined;
    },
  };
}
