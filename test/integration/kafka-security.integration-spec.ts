/**
 * The services' Kafka security settings against the real broker's SASL_PLAINTEXT listener
 * (scripts/infra.js starts it with PLAIN and SCRAM-SHA-256 test users), wired as the services
 * wire them: environment -> config schema -> kafkaSecurity -> KafkaBus and readiness checks.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { z } from 'zod';
import { KafkaBus, RunningConsumer } from '@dock/kafka';
import {
  ClosableCheck,
  createLogger,
  DependencyCheck,
  kafkaCheck,
  kafkaSecurity,
  kafkaSecuritySchema,
  loadConfig,
  Logger,
} from '@dock/platform';
import { fileConfigSchema } from '../../apps/file/src/file.config';
import { fileService } from '../../apps/file/src/file.service-definition';
import { gatewayConfigSchema } from '../../apps/gateway/src/gateway.config';
import { missionConfigSchema } from '../../apps/mission/src/mission.config';
import { missionService } from '../../apps/mission/src/mission.service-definition';
import { telemetryStartSchema } from '../../apps/telemetry/src/telemetry-start-schema';
import { telemetryService } from '../../apps/telemetry/src/telemetry.service-definition';
import { eventually } from '../support/eventually';
import { infraSettings, uniqueName } from '../support/infra-settings';

const { kafkaSasl } = infraSettings;
type TestUser = typeof kafkaSasl.plain | typeof kafkaSasl.scram;

/** The variables an operator sets for a SASL cluster. */
function saslEnv(user: TestUser, password: string = user.password): Record<string, string> {
  return {
    KAFKA_BROKERS: kafkaSasl.brokers.join(','),
    KAFKA_SASL_MECHANISM: user.mechanism,
    KAFKA_SASL_USERNAME: user.username,
    KAFKA_SASL_PASSWORD: password,
  };
}

/** A service logger whose lines the test reads (to prove what never reaches them). */
function capturedLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ service: 'kafka-security-test', level: 'debug', destination });
  return { logger, text: () => lines.join('') };
}

function busFor(env: Record<string, string>, logger: Logger): KafkaBus {
  return KafkaBus.fromSettings({
    brokers: kafkaSasl.brokers,
    clientId: uniqueName('kafka-security'),
    logger,
    ...kafkaSecurity(loadConfig(kafkaSecuritySchema, env)),
  });
}

describe('the Kafka security settings of every service', () => {
  it('is refused at start by every service when only half set, naming the variables', () => {
    const schemas = [
      gatewayConfigSchema,
      missionConfigSchema,
      telemetryStartSchema,
      fileConfigSchema,
    ];
    for (const schema of schemas) {
      const env = {
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        FILE_URL_SIGNING_KEY: randomBytes(32).toString('hex'),
      };
      expect(() => loadConfig(schema, env)).toThrow(
        /KAFKA_SASL_USERNAME: is required[\s\S]*KAFKA_SASL_PASSWORD: is required/,
      );
    }
  });
});

describe('Kafka with SASL credentials', () => {
  beforeAll(async () => {
    // A clear failure when the listener is missing (a broker started before infra.js had it).
    const probe = kafkaCheck(kafkaSasl.brokers, 'kafka-security-probe', { sasl: kafkaSasl.plain });
    try {
      await probe.check();
    } catch (error) {
      throw new Error(
        `no SASL listener with the test users at ${kafkaSasl.brokers.join(',')} ` +
          `(${(error as Error).message}): run node scripts/infra.js up, which restarts a ` +
          'broker it started before the listener existed (one started elsewhere must be ' +
          'stopped there first)',
      );
    } finally {
      await probe.close();
    }
  });

  describe.each([
    ['PLAIN', kafkaSasl.plain],
    ['SCRAM-SHA-256', kafkaSasl.scram],
  ])('%s', (_name, user) => {
    const topic = uniqueName('kafka-security');
    const { logger } = capturedLogger();
    let bus: KafkaBus;
    const consumers: RunningConsumer[] = [];

    beforeAll(() => {
      bus = busFor(saslEnv(user), logger);
    });
    afterAll(async () => {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      const admin = bus.kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
      await bus.close();
    });

    it('carries a record from a producer to a consumer group through KafkaBus', async () => {
      await bus.ensureTopics([{ topic, numPartitions: 1 }]);
      const received: string[] = [];
      consumers.push(
        await bus.subscribe({
          groupId: uniqueName('kafka-security'),
          topics: [topic],
          fromBeginning: true,
          logger,
          sessionTimeoutMs: 6_000,
          handleBatch: async (records) => {
            received.push(...records.map((r) => `${r.message.key}=${r.message.value}`));
          },
        }),
      );
      const producer = bus.createProducer();
      await producer.connect();
      try {
        await producer.send(topic, { key: 'DOCK1', value: 'over SASL' });
      } finally {
        await producer.disconnect();
      }
      await eventually(() => expect(received).toEqual(['DOCK1=over SASL']), { timeoutMs: 30_000 });
      await expect(bus.check()).resolves.toBeUndefined();
    });
  });

  it.each([
    ['PLAIN', kafkaSasl.plain, /SASL PLAIN authentication failed/],
    ['SCRAM-SHA-256', kafkaSasl.scram, /SASL SCRAM SHA256 authentication failed/],
  ])(
    'refuses a wrong %s password with an authentication error, never logging it',
    async (_name, user, expected) => {
      const wrong = `wrong-${uniqueName('password')}`;
      const { logger, text } = capturedLogger();
      const bus = busFor(saslEnv(user, wrong), logger);
      const producer = bus.createProducer();
      try {
        await expect(producer.connect()).rejects.toThrow(expected);
        await expect(bus.check()).rejects.toThrow(expected);
        const probe = kafkaCheck(kafkaSasl.brokers, 'kafka-security', {
          sasl: { ...user, password: wrong },
        });
        await expect(probe.check()).rejects.toThrow(expected);
        await probe.close();
      } finally {
        await producer.disconnect().catch(() => undefined);
        await bus.close();
      }
      logger.info({ config: saslEnv(user, wrong) }, 'a config logged whole');
      expect(text()).toContain('a config logged whole');
      expect(text()).not.toContain(wrong);
    },
  );

  describe("each service's readiness check", () => {
    let storageDir: string;
    beforeAll(() => {
      storageDir = mkdtempSync(path.join(tmpdir(), 'kafka-security-files-'));
    });
    afterAll(() => rmSync(storageDir, { recursive: true, force: true }));

    /** The service's own kafka check, built from the environment as runService builds it. */
    async function kafkaReady<S extends z.ZodTypeAny>(
      definition: { schema: S; checks(config: z.infer<S>): DependencyCheck[] },
      env: Record<string, string>,
    ): Promise<void> {
      const config = loadConfig(definition.schema, {
        FILE_STORAGE_DIR: storageDir,
        FILE_URL_SIGNING_KEY: randomBytes(32).toString('hex'),
        ...env,
      });
      const checks = definition.checks(config);
      try {
        await checks.find((check) => check.name === 'kafka')!.check();
      } finally {
        await Promise.all(checks.map((check) => (check as Partial<ClosableCheck>).close?.()));
      }
    }

    const services: Record<string, (env: Record<string, string>) => Promise<void>> = {
      mission: (env) => kafkaReady(missionService, env),
      telemetry: (env) => kafkaReady(telemetryService, env),
      file: (env) => kafkaReady(fileService, env),
    };

    it.each(Object.keys(services))(
      '%s: passes with the credentials and fails without them',
      async (service) => {
        await expect(services[service](saslEnv(kafkaSasl.scram))).resolves.toBeUndefined();
        await expect(
          services[service]({ KAFKA_BROKERS: kafkaSasl.brokers.join(',') }),
        ).rejects.toThrow();
      },
    );
  });
});
