// Issue 16: a dock message carrying a lone UTF-16 surrogate ("\ud800") reached the telemetry
// consumer and failed the PostgreSQL insert (jsonb refuses it) for ever: the batch was retried
// every few seconds, every other record of that partition waited behind it, and readiness
// stayed 200. Now the record alone goes to telemetry.dead-letter and the partition moves on.
import { Kafka, logLevel } from 'kafkajs';
import {
  ConsumerDeadLetterRecord,
  consumerDeadLetterRecordSchema,
  KAFKA_TOPICS,
} from '@dock/contracts';
import { AsyncApiContract } from '../../support/asyncapi-contract';
import { eventually } from '../../support/eventually';
import { infraSettings, uniqueName } from '../../support/infra-settings';
import { TelemetryHarness } from './support/telemetry-harness';
import {
  eventsTopic,
  progressPayload,
  ProducedRecord,
  uplinkRecord,
} from './support/uplink-records';

jest.setTimeout(120_000);

describe('telemetry with a poison record', () => {
  const harness = new TelemetryHarness();
  const run = uniqueName('P').toUpperCase().replace(/-/g, '');
  const dock = `${run}DOCK`;
  const flightId = `${run}-F`;
  const kafka = new Kafka({
    clientId: 'telemetry-poison-it',
    brokers: infraSettings.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const reader = kafka.consumer({ groupId: uniqueName('telemetry-dl-reader') });
  const letters: ConsumerDeadLetterRecord[] = [];
  /** Problems of each captured record against docs/asyncapi.yaml (empty lists when it conforms). */
  const contractProblems: string[][] = [];
  const contract = new AsyncApiContract();

  const progress = (tid: string, percent: number): ProducedRecord =>
    uplinkRecord(
      eventsTopic(dock),
      progressPayload({ sn: dock, flightId, tid, timestamp: Date.now() + percent, percent }),
    );

  /**
   * What an older gateway let through: the record as the gateway writes it, with a string
   * holding a lone surrogate escape (valid JSON, not valid Unicode; jsonb refuses it).
   */
  function poisoned(tid: string): ProducedRecord {
    const record = progress(tid, 60);
    const text = String(record.message.value).replace(`track-${flightId}`, '\\ud800');
    expect(text).toContain('"\\ud800"');
    return { topic: record.topic, message: { ...record.message, value: Buffer.from(text) } };
  }

  beforeAll(async () => {
    await harness.setUp();
    await reader.connect();
    await reader.subscribe({
      topic: KAFKA_TOPICS.consumerDeadLetters.telemetry,
      fromBeginning: true,
    });
    await reader.run({
      eachMessage: async ({ message }) => {
        const value: unknown = JSON.parse(String(message.value));
        const letter = consumerDeadLetterRecordSchema.parse(value);
        if (letter.group !== harness.group) return;
        letters.push(letter);
        contractProblems.push(
          contract.check(KAFKA_TOPICS.consumerDeadLetters.telemetry, {
            key: message.key?.toString() ?? null,
            headers: Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([name, header]) => [name, String(header)]),
            ),
            value,
          }),
        );
      },
    });
  });

  afterAll(async () => {
    await reader.disconnect().catch(() => undefined);
    await harness.tearDown();
  });

  it('dead-letters that record alone; the records around it are stored and the group catches up', async () => {
    // One dock: one key, one partition, so the valid records sit right behind the poison.
    await harness.produce([
      progress(`${run}-1`, 50),
      poisoned(`${run}-2`),
      progress(`${run}-3`, 70),
    ]);

    await eventually(
      async () => {
        const page = await harness.get<{ items: { tid: string }[] }>(
          `/flights/${flightId}/progress`,
        );
        expect(page.body.items.map((item) => item.tid).sort()).toEqual([`${run}-1`, `${run}-3`]);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await eventually(async () => expect(await harness.caughtUp()).toBe(true), {
      timeoutMs: 30_000,
    });

    await eventually(() => expect(letters).toHaveLength(1), { timeoutMs: 30_000 });
    const [letter] = letters;
    expect(letter).toMatchObject({
      service: 'telemetry',
      topic: KAFKA_TOPICS.uplink.events,
      attempts: 3,
      error: { code: '22P02' },
    });
    expect(contractProblems).toEqual([[]]);
    expect(Buffer.from(letter.key ?? '', 'base64').toString()).toBe(dock);
    expect(Buffer.from(letter.value ?? '', 'base64').toString()).toContain(`"tid":"${run}-2"`);
    expect(Buffer.from(letter.headers.tid[0], 'base64').toString()).toBe(`${run}-2`);

    const metrics = await (await fetch(`${harness.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `telemetry_consumer_records_dead_lettered_total\\{[^}]*group="${harness.group}"[^}]*\\} 1\\n`,
      ),
    );
    const ready = await fetch(`${harness.baseUrl}/health/ready`);
    const body = (await ready.json()) as { checks: { name: string; ok: boolean }[] };
    expect(ready.status).toBe(200);
    expect(body.checks).toContainEqual(
      expect.objectContaining({ name: 'consumers-telemetry', ok: true }),
    );
  });
});
