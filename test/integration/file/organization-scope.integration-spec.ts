// Organizations in the file service (issue 14) against real PostgreSQL and Kafka: waylines and
// flight bindings belong to one organization, the API of another one sees none of them, task
// events bring their organization, and signed downloads and docks' requests work as before.
// Run: npx jest --selectProjects integration --runInBand -- test/integration/file/organization
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import pino from 'pino';
import {
  DEFAULT_ORGANIZATION_ID,
  RequestReplyRecord,
  requestReplyRecordSchema,
  TaskEventRecord,
  UplinkRecord,
} from '@dock/contracts';
import { decodeRecord, encodeRecord, RunningConsumer, startConsumer } from '@dock/kafka';
import { createLogger, createPostgresDataSource, ORGANIZATION_HEADER } from '@dock/platform';
import { CreateFileSchema1732000000000 } from '../../../apps/file/src/adapters/postgres/migrations/1732000000000-create-file-schema';
import { validKmz } from '../../../apps/file/test/kmz-fixtures';
import { eventually } from '../../support/eventually';
import { infraSettings, uniqueName } from '../../support/infra-settings';
import { RunningFileService, startFileService, TEST_TOKEN } from './file-harness';

type Json = Record<string, unknown>;

describe('file service: organization scope', () => {
  let service: RunningFileService;
  let producer: Producer;
  let replyConsumer: RunningConsumer;
  const replies: RequestReplyRecord[] = [];
  const orgA = uniqueName('org-a');
  const orgB = uniqueName('org-b');

  beforeAll(async () => {
    service = await startFileService();
    producer = service.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    replyConsumer = await startConsumer(service.kafka, {
      groupId: uniqueName('file-org-replies'),
      topics: [service.topics.requestReplies],
      logger: pino({ level: 'silent' }),
      handleBatch: async (records) => {
        for (const record of records) {
          const decoded = decodeRecord(record.message.value, requestReplyRecordSchema);
          if (decoded.ok) replies.push(decoded.value);
        }
      },
    });
  }, 60_000);

  afterAll(async () => {
    await replyConsumer?.stop();
    await producer?.disconnect();
    await service?.stop();
  }, 60_000);

  /** A call as `organization` (undefined: no header, the default organization). */
  async function call(
    organization: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    baseUrl = service.baseUrl,
  ): Promise<{ status: number; body: Json }> {
    const headers: Record<string, string> = { Authorization: `Bearer ${TEST_TOKEN}` };
    if (organization !== undefined) headers[ORGANIZATION_HEADER] = organization;
    let payload: FormData | string | undefined;
    if (body instanceof FormData) {
      payload = body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
  }

  async function upload(organization: string | undefined, author: string): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([await validKmz({ author })]), 'org.kmz');
    const response = await call(organization, 'POST', '/waylines', form);
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  async function publishTaskEvent(event: Omit<TaskEventRecord, 'schemaVersion'>): Promise<void> {
    await producer.send({
      topic: service.topics.taskEvents,
      messages: [encodeRecord(event.gatewaySn, { schemaVersion: 1, ...event })],
    });
  }

  function taskEvent(flightId: string, waylineId: string) {
    return {
      flightId,
      gatewaySn: 'DOCK-ORG-1',
      waylineId,
      taskType: 0,
      state: 'scheduled' as const,
      previousState: null,
      cause: 'created',
      resultCode: null,
      version: 1,
      at: Date.now(),
    };
  }

  it("lists, reads and deletes only the organization's own waylines", async () => {
    const waylineA = await upload(orgA, 'org-a');
    const waylineB = await upload(orgB, 'org-b');

    const listA = await call(orgA, 'GET', '/waylines');
    expect((listA.body.items as Json[]).map((w) => w.id)).toEqual([waylineA]);
    expect(listA.body.total).toBe(1);
    const listB = await call(orgB, 'GET', '/waylines');
    expect((listB.body.items as Json[]).map((w) => w.id)).toEqual([waylineB]);
    const listDefault = await call(undefined, 'GET', '/waylines');
    expect((listDefault.body.items as Json[]).map((w) => w.id)).not.toContain(waylineA);

    const unknown = randomUUID();
    for (const [method, suffix] of [
      ['GET', ''],
      ['GET', '/download-url'],
      ['DELETE', ''],
    ] as const) {
      const foreign = await call(orgB, method, `/waylines/${waylineA}${suffix}`);
      const missing = await call(orgB, method, `/waylines/${unknown}${suffix}`);
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe(missing.body.code);
    }
    // B's delete did nothing.
    expect((await call(orgA, 'GET', `/waylines/${waylineA}`)).status).toBe(200);
  });

  it("binds a flight only to the organization's own wayline; signed downloads need no header", async () => {
    const waylineA = await upload(orgA, 'org-a-bind');
    const flightId = randomUUID();
    const foreign = await call(orgB, 'POST', `/flights/${flightId}/wayline`, {
      waylineId: waylineA,
      gatewaySn: 'DOCK-ORG-1',
    });
    const missing = await call(orgB, 'POST', `/flights/${flightId}/wayline`, {
      waylineId: randomUUID(),
      gatewaySn: 'DOCK-ORG-1',
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('wayline_not_found');
    expect(foreign.body.code).toBe(missing.body.code);

    const bound = await call(orgA, 'POST', `/flights/${flightId}/wayline`, {
      waylineId: waylineA,
      gatewaySn: 'DOCK-ORG-1',
    });
    expect(bound.status).toBe(200);
    expect((await call(orgA, 'GET', `/flights/${flightId}/wayline`)).body.waylineId).toBe(waylineA);
    const hidden = await call(orgB, 'GET', `/flights/${flightId}/wayline`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('flight_not_found');
    // B cannot take the flight over either.
    const waylineB = await upload(orgB, 'org-b-bind');
    const takeover = await call(orgB, 'POST', `/flights/${flightId}/wayline`, {
      waylineId: waylineB,
      gatewaySn: 'DOCK-ORG-1',
    });
    expect(takeover.status).toBe(404);
    expect(takeover.body.code).toBe('flight_not_found');

    // The signature is the authority: the dock downloads without any organization.
    const download = await fetch(
      (bound.body.url as string).replace('http://localhost:', 'http://127.0.0.1:'),
    );
    expect(download.status).toBe(200);
    // And docks asking for their flight's file are answered as before.
    const tid = randomUUID();
    const request: UplinkRecord = {
      schemaVersion: 1,
      gatewaySn: 'DOCK-ORG-1',
      family: 'requests',
      method: 'flighttask_resource_get',
      tid,
      bid: `bid-${tid}`,
      timestamp: Date.now(),
      needReply: false,
      known: true,
      receivedAt: Date.now(),
      data: { flight_id: flightId },
    };
    await producer.send({
      topic: service.topics.requests,
      messages: [
        encodeRecord('DOCK-ORG-1', request, {
          tid,
          bid: request.bid,
          method: request.method,
          family: 'requests',
        }),
      ],
    });
    const reply = await eventually(
      () => {
        const found = replies.find((r) => r.tid === tid);
        expect(found).toBeDefined();
        return found as RequestReplyRecord;
      },
      { timeoutMs: 40_000, intervalMs: 100 },
    );
    expect((reply.data as { result: number }).result).toBe(0);
  });

  it("takes a task event's organization for the binding, and the default one from older records", async () => {
    const waylineA = await upload(orgA, 'org-a-events');
    const scoped = randomUUID();
    const older = randomUUID();
    await publishTaskEvent({ ...taskEvent(scoped, waylineA), organizationId: orgA });
    await publishTaskEvent(taskEvent(older, waylineA));
    await eventually(
      async () => {
        expect((await call(orgA, 'GET', `/flights/${scoped}/wayline`)).status).toBe(200);
        expect((await call(undefined, 'GET', `/flights/${older}/wayline`)).status).toBe(200);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect((await call(undefined, 'GET', `/flights/${scoped}/wayline`)).status).toBe(404);
    expect((await call(orgA, 'GET', `/flights/${older}/wayline`)).status).toBe(404);
    const rows = await service.db.query<{ flight_id: string; organization_id: string }>(
      `SELECT flight_id, organization_id FROM "${service.schema}".flight_bindings
       WHERE flight_id = ANY($1) ORDER BY flight_id`,
      [[scoped, older]],
    );
    expect(Object.fromEntries(rows.rows.map((r) => [r.flight_id, r.organization_id]))).toEqual({
      [scoped]: orgA,
      [older]: DEFAULT_ORGANIZATION_ID,
    });
  });

  it('gives waylines and bindings written before organizations existed to the default organization', async () => {
    const schema = uniqueName('file_orgmig', '_');
    const before = await createPostgresDataSource({
      url: infraSettings.databaseUrl,
      schema,
      entities: [],
      migrations: [CreateFileSchema1732000000000],
      logger: createLogger({ service: 'it-migration', level: 'fatal' }),
    });
    const waylineId = randomUUID();
    const fingerprint = '0123456789abcdef0123456789abcdef';
    await before.query(
      'INSERT INTO blobs (fingerprint, size_bytes, storage_key) VALUES ($1, 10, $2)',
      [fingerprint, `waylines/${fingerprint}.kmz`],
    );
    await before.query(
      `INSERT INTO waylines (id, name, fingerprint, size_bytes, waypoint_count, wayline_count)
       VALUES ($1, 'old', $2, 10, 3, 1)`,
      [waylineId, fingerprint],
    );
    await before.query(
      `INSERT INTO flight_bindings (flight_id, wayline_id, gateway_sn, bound_at, updated_at)
       VALUES ('old-flight', $1, 'DOCK-OLD', now(), now())`,
      [waylineId],
    );
    await before.destroy();

    const migrated = await startFileService({ DATABASE_SCHEMA: schema });
    try {
      const base = migrated.baseUrl;
      expect((await call(undefined, 'GET', `/waylines/${waylineId}`, undefined, base)).status).toBe(
        200,
      );
      expect((await call(orgB, 'GET', `/waylines/${waylineId}`, undefined, base)).status).toBe(404);
      expect(
        (await call(undefined, 'GET', '/flights/old-flight/wayline', undefined, base)).status,
      ).toBe(200);
      expect((await call(orgB, 'GET', '/flights/old-flight/wayline', undefined, base)).status).toBe(
        404,
      );
      for (const table of ['waylines', 'flight_bindings']) {
        const rows = await migrated.db.query<{ organization_id: string }>(
          `SELECT organization_id FROM "${schema}".${table}`,
        );
        expect(rows.rows.map((r) => r.organization_id)).toEqual([DEFAULT_ORGANIZATION_ID]);
        const column = await migrated.db.query<{ is_nullable: string; column_default: unknown }>(
          `SELECT is_nullable, column_default FROM information_schema.columns
           WHERE table_schema = $1 AND table_name = $2 AND column_name = 'organization_id'`,
          [schema, table],
        );
        expect(column.rows).toEqual([{ is_nullable: 'NO', column_default: null }]);
      }
      const index = await migrated.db.query(
        `SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = 'waylines_organization_created_idx'`,
        [schema],
      );
      expect(index.rowCount).toBe(1);
    } finally {
      await migrated.stop();
      await service.db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  }, 60_000);
});
