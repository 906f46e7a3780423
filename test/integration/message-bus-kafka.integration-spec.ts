// The MessageBus contract against the real Kafka broker (the same suite the in-process bus of
// the embedded mode passes: libs/kafka/src/in-process/in-process-bus.integration-spec.ts).
import { logLevel } from 'kafkajs';
import { Kafka } from 'kafkajs';
import { KafkaBus } from '@dock/kafka';
import { defineMessageBusContract } from '../../libs/kafka/test/message-bus-contract';
import { infraSettings, uniqueName } from '../support/infra-settings';

jest.setTimeout(90_000);

describe('KafkaBus honours the MessageBus contract', () => {
  defineMessageBusContract({
    bus: async () =>
      new KafkaBus(
        new Kafka({
          clientId: uniqueName('bus-contract'),
          brokers: infraSettings.kafkaBrokers,
          logLevel: logLevel.NOTHING,
        }),
      ),
    name: (prefix) => uniqueName(prefix),
    timeoutMs: 30_000,
  });
});
