import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Client } from 'pg';
import {
  KAFKA_TOPICS,
  MediaRecord,
  mediaRecordSchema,
  RequestReplyRecord,
  requestReplyRecordSchema,
  TaskEventRecord,
  UplinkRecord,
} from '@dock/contracts';
import { decodeRecord, encodeRecord } from '@dock/kafka';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig, RunningService, servedRoutes, undocumentedRoutes } from '@dock/platform';
import { validateStorageConfigGetReplyData, StorageConfig } from '@dock/protocol';
import type { MediaTopics } from '../../../apps/media/src/adapters/kafka/media-topics';
import { S3StandIn } from '../../../apps/media/src/adapters/s3-standin/s3-standin';
import { mediaConfigSchema } from '../../../apps/media/src/media.config';
import { MediaModule } from '../../../apps/media/src/media.module';
import { mediaService } from '../../../apps/media/src/media.service-definition';
import { AsyncApiContract } from '../../support/asyncapi-contract';
import { eventually } from '../../support/eventually';
import { uniqueName } from '../../support/infra-settings';
import {
  dropTestResources,
  freePort,
  serviceTestEnv,
  startServiceUnderTest,
  testDb,
  testKafka,
} from '../../support/service-under-test';

interface Listed {
  status: string;
  files: { objectKey: string; downloadUrl: string; [key: string]: unknown }[];
  items: unknown[];
  [key: string]: unknown;
}

// An admin token acting in ORG (X-Organization-Id), and a token of another organization.
const TOKEN = 'media-test-token-0123456789';
const OTHER_ORG_TOKEN = 'media-other-organization-token-0123';
const ORG = 'org-media-test';

/** A tiny valid JPEG (SOI, a comment with the payload, EOI): real bytes for a real upload. */
function jpeg(label: string): Buffer {
  const comment = Buffer.from(label);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(comment.length + 2);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xfe]),
    length,
    comment,
    Buffer.from([0xff, 0xd9]),
  ]);
}

/**
 * The media service on real Kafka and PostgreSQL, with the S3 stand-in as its storage (STS
 * AssumeRole + SigV4): a dock asks storage_config_get, uploads with the credentials it got
 * (the AWS SDK), reports each file (one retried), and the flight lists complete with working
 * signed download URLs; a flight short of its count turns incomplete; a callback for an unknown
 * flight is kept and flagged; uploads outside the prefix are refused.
 */
describe('media service (Kafka, PostgreSQL, S3 stand-in)', () => {
  let dir: string;
  let standIn: S3StandIn;
  let endpoint: string;
  let running: RunningService;
  let kafka: Kafka;
  let producer: Producer;
  let consumer: Consumer;
  let db: Client;
  let baseUrl: string;
  let topics: MediaTopics;
  let schema: string;
  const replies: RequestReplyRecord[] = [];
  const records: MediaRecord[] = [];
  const contract = new AsyncApiContract();
  const contractProblems: string[][] = [];
  const uploaders: S3Client[] = [];
  const bucket = 'dock-media-test';
  const dock = uniqueName('MDOCK')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');

  const api = async (urlPath: string, init: RequestInit = {}) => {
    const response = await fetch(`${baseUrl}${urlPath}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        'X-Organization-Id': ORG,
        ...(init.headers as Record<string, string>),
      },
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Listed) : null,
    };
  };
  const send = (topic: string, key: string, value: unknown) =>
    producer.send({ topic, messages: [encodeRecord(key, value)] });
  const uplink = (
    family: 'events' | 'requests',
    method: string,
    data: unknown,
    tid = uniqueName('tid'),
  ) => {
    const now = Date.now();
    const record: UplinkRecord = {
      schemaVersion: 1,
      gatewaySn: dock,
      family,
      method,
      tid,
      bid: uniqueName('bid'),
      timestamp: now,
      needReply: true,
      known: true,
      receivedAt: now,
      data,
    };
    return send(family === 'events' ? topics.uplinkEvents : topics.uplinkRequests, dock, record);
  };
  const task = (flightId: string, state: TaskEventRecord['state']) =>
    send(topics.taskEvents, dock, {
      schemaVersion: 1,
      flightId,
      gatewaySn: dock,
      waylineId: 'w',
      organizationId: ORG,
      taskType: 0,
      state,
      previousState: null,
      cause: 'test',
      resultCode: null,
      version: 1,
      at: Date.now(),
    } satisfies TaskEventRecord);
  const progress = (flightId: string, mediaCount: number, status: string) =>
    uplink('events', 'flighttask_progress', {
      result: 0,
      output: {
        status,
        progress: { current_step: 20, percent: 100 },
        ext: { flight_id: flightId, media_count: mediaCount },
      },
    });
  const callback = (flightId: string, objectKey: string, expected: number, tid?: string) =>
    uplink(
      'events',
      'file_upload_callback',
      {
        file: {
          object_key: objectKey,
          path: flightId,
          name: objectKey.split('/').pop(),
          cloud_to_cloud_id: 'DEFAULT',
          ext: {
            flight_id: flightId,
            drone_model_key: '0-91-0',
            payload_model_key: '1-80-0',
            is_original: true,
          },
          metadata: {
            gimbal_yaw_degree: '-91.40',
            absolute_altitude: 56.3,
            relative_altitude: 41.1,
            created_time: '2024-05-10T16:04:20+08:00',
            shoot_position: { lat: 22.5, lng: 113.9 },
          },
        },
        flight_task: { uploaded_file_count: 1, expected_file_count: expected, flight_type: 0 },
      },
      tid,
    );

  async function storageConfig(): Promise<StorageConfig> {
    const tid = uniqueName('tid');
    await uplink('requests', 'storage_config_get', { module: 0 }, tid);
    const reply = await eventually(
      () => {
        const found = replies.find((r) => r.tid === tid);
        expect(found).toBeDefined();
        return found as RequestReplyRecord;
      },
      { timeoutMs: 20_000 },
    );
    expect(reply).toMatchObject({
      method: 'storage_config_get',
      answeredBy: 'media',
      gatewaySn: dock,
    });
    const checked = validateStorageConfigGetReplyData(reply.data, []);
    expect(checked.ok).toBe(true);
    expect(reply.data.result).toBe(0);
    return (reply.data as unknown as { output: StorageConfig }).output;
  }

  function uploaderFor(config: StorageConfig): S3Client {
    const client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      credentials: {
        accessKeyId: config.credentials.access_key_id,
        secretAccessKey: config.credentials.access_key_secret,
        sessionToken: config.credentials.security_token,
      },
    });
    uploaders.push(client);
    return client;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'media-it-'));
    const root = {
      id: `ROOT${randomBytes(6).toString('hex')}`,
      secret: randomBytes(24).toString('hex'),
    };
    standIn = new S3StandIn({
      directory: dir,
      bucket,
      region: 'us-east-1',
      rootAccessKeyId: root.id,
      rootSecretAccessKey: root.secret,
    });
    endpoint = await standIn.start(0);
    schema = uniqueName('media_test', '_');
    topics = {
      uplinkRequests: uniqueName('media-uplink-requests'),
      uplinkEvents: uniqueName('media-uplink-events'),
      taskEvents: uniqueName('media-task-events'),
      commands: uniqueName('media-commands'),
      commandReplies: uniqueName('media-command-replies'),
      requestReplies: uniqueName('media-request-replies'),
      mediaRecords: uniqueName('media-records'),
    };
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig(mediaConfigSchema, {
      ...serviceTestEnv(port, schema),
      MEDIA_KAFKA_GROUP_PREFIX: uniqueName('media'),
      API_TOKENS: `someone-else:${OTHER_ORG_TOKEN}`,
      ADMIN_API_TOKENS: TOKEN,
      MEDIA_STORAGE_ENDPOINT: endpoint,
      MEDIA_STORAGE_BUCKET: bucket,
      MEDIA_STORAGE_ACCESS_KEY_ID: root.id,
      MEDIA_STORAGE_SECRET_ACCESS_KEY: root.secret,
      MEDIA_UPLOAD_CREDENTIAL_TTL_SECONDS: '900',
      MEDIA_URL_SIGNING_KEY: randomBytes(32).toString('hex'),
      MEDIA_INCOMPLETE_AFTER_MS: '1500',
      MEDIA_SWEEP_INTERVAL_MS: '200',
    });
    running = await startServiceUnderTest({
      definition: mediaService,
      config,
      port,
      module: (logger, checks) => MediaModule.register(config, logger, checks, { topics }),
      shutdownTimeoutMs: 10_000,
    });
    kafka = testKafka('media-test');
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    consumer = kafka.consumer({ groupId: uniqueName('media-test-reader') });
    await consumer.connect();
    await consumer.subscribe({
      topics: [topics.requestReplies, topics.mediaRecords],
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (topic === topics.requestReplies) {
          const reply = decodeRecord(message.value, requestReplyRecordSchema);
          if (reply.ok) replies.push(reply.value);
        } else {
          const record = decodeRecord(message.value, mediaRecordSchema);
          if (record.ok) records.push(record.value);
          // Every record the service writes conforms to docs/asyncapi.yaml.
          contractProblems.push(
            contract.check(KAFKA_TOPICS.mediaRecords, {
              key: message.key?.toString() ?? null,
              headers: Object.fromEntries(
                Object.entries(message.headers ?? {}).map(([name, h]) => [name, String(h)]),
              ),
              value: JSON.parse(String(message.value)),
            }),
          );
        }
      },
    });
    db = await testDb();
  });

  afterAll(async () => {
    for (const client of uploaders) client.destroy();
    await running?.shutdown('test finished');
    await consumer?.disconnect();
    await producer?.disconnect();
    if (db) await dropTestResources(db, kafka, schema, Object.values(topics));
    await standIn?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads a flight through the issued credentials and lists it complete with working download URLs', async () => {
    const flight = uniqueName('F');
    await task(flight, 'executing');
    await progress(flight, 3, 'in_progress');
    await progress(flight, 3, 'ok');
    await eventually(
      async () =>
        expect((await api(`/flights/${flight}/media`)).body).toMatchObject({
          expected: 3,
          status: 'pending',
        }),
      { timeoutMs: 20_000 },
    );

    const config = await storageConfig();
    expect(config).toMatchObject({
      bucket,
      endpoint,
      provider: 'minio',
      object_key_prefix: `${ORG}/${dock}`,
    });
    expect(config.credentials.expire).toBe(900);
    const s3 = uploaderFor(config);
    const keys: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const key = `${config.object_key_prefix}/${flight}/DJI_000${i}_W.jpeg`;
      await s3.send(
        new PutObjectCommand({
          Bucket: config.bucket,
          Key: key,
          Body: jpeg(`photo ${i}`),
          ContentType: 'image/jpeg',
        }),
      );
      keys.push(key);
    }
    // Outside the dock's flights: another flight, another organization.
    for (const key of [
      `${config.object_key_prefix}/OTHER/x.jpeg`,
      `other-org/${dock}/${flight}/x.jpeg`,
    ]) {
      await expect(
        s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: jpeg('x') })),
      ).rejects.toMatchObject({ name: 'AccessDenied' });
    }

    const retriedTid = uniqueName('tid');
    await callback(flight, keys[0], 3, retriedTid);
    await callback(flight, keys[0], 3, retriedTid); // the dock retries: recorded once
    await callback(flight, keys[1], 3);
    await callback(flight, keys[2], 3);

    const listed = await eventually(
      async () => {
        const { status, body } = await api(`/flights/${flight}/media`);
        expect(status).toBe(200);
        expect(body).toMatchObject({
          status: 'complete',
          expected: 3,
          received: 3,
          missing: 0,
          known: true,
        });
        return body!;
      },
      { timeoutMs: 20_000 },
    );
    expect(listed.files).toHaveLength(3);
    const first = listed.files.find((f) => f.objectKey === keys[0])!;
    expect(first).toMatchObject({
      name: 'DJI_0001_W.jpeg',
      type: 'photo',
      isOriginal: true,
      capturedAt: '2024-05-10T08:04:20.000Z',
      latitude: 22.5,
      longitude: 113.9,
      gimbalYawDegree: -91.4,
      absoluteAltitude: 56.3,
      relativeAltitude: 41.1,
      sizeBytes: jpeg('photo 1').length,
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
      unknownFlight: false,
    });
    const download = await fetch(first.downloadUrl);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(jpeg('photo 1'))).toBe(true);
    const ranged = await fetch(first.downloadUrl, { headers: { Range: 'bytes=0-1' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8]));
    const tampered = await fetch(first.downloadUrl.replace(/signature=[^&]+/, 'signature=AAAA'));
    expect(tampered.status).toBe(403);

    const dockMedia = await api(`/docks/${dock}/media?limit=10`);
    expect(dockMedia.body!.items.length).toBeGreaterThanOrEqual(3);
    // Another organization sees nothing of it.
    expect(
      (
        await api(`/flights/${flight}/media`, {
          headers: {
            Authorization: `Bearer ${OTHER_ORG_TOKEN}`,
            'X-Organization-Id': 'someone-else',
          },
        })
      ).status,
    ).toBe(404);

    await eventually(
      () => {
        expect(records.filter((r) => r.kind === 'file' && r.flightId === flight)).toHaveLength(3);
        expect(records).toContainEqual(
          expect.objectContaining({
            kind: 'flight',
            flightId: flight,
            status: 'complete',
            received: 3,
          }),
        );
      },
      { timeoutMs: 20_000 },
    );
    expect(contractProblems.flat()).toEqual([]);
  });

  it('shows a flight short of its count incomplete with the count, and flags an unknown flight', async () => {
    const flight = uniqueName('F');
    await task(flight, 'executing');
    await progress(flight, 2, 'ok');
    await eventually(async () => expect((await api(`/flights/${flight}/media`)).status).toBe(200), {
      timeoutMs: 20_000,
    });
    const config = await storageConfig();
    const key = `${config.object_key_prefix}/${flight}/DJI_0001_W.jpeg`;
    await uploaderFor(config).send(
      new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: jpeg('only one') }),
    );
    await callback(flight, key, 2);
    await eventually(
      async () => {
        expect((await api(`/flights/${flight}/media`)).body).toMatchObject({
          status: 'incomplete',
          expected: 2,
          received: 1,
          missing: 1,
        });
      },
      { timeoutMs: 20_000 },
    );

    const stranger = uniqueName('NOFLIGHT');
    await callback(stranger, `${ORG}/${dock}/${stranger}/x.jpeg`, 1);
    await eventually(
      async () => {
        const { body } = await api(`/flights/${stranger}/media`);
        expect(body).toMatchObject({ known: false, received: 1 });
        expect(body!.files[0]).toMatchObject({ unknownFlight: true, sizeBytes: null });
      },
      { timeoutMs: 20_000 },
    );
  });

  it('answers bad REST input with clear errors', async () => {
    expect((await api('/flights/nope/media')).status).toBe(404);
    expect((await api(`/docks/${dock}/media?limit=0`)).status).toBe(400);
    expect((await api('/media/prioritizations/not-a-uuid')).status).toBe(404);
    expect((await fetch(`${baseUrl}/media/downloads/x?expires=1&signature=abc`)).status).toBe(403);
    expect((await api('/flights/nope/media/prioritize', { method: 'POST' })).status).toBe(404);
  });

  it('documents every route it serves, as committed in docs/openapi/media.json', async () => {
    const document = (await (await fetch(`${baseUrl}/docs/openapi.json`)).json()) as OpenAPIObject;
    expect(servedRoutes(running.app)).toEqual(
      expect.arrayContaining([
        { method: 'get', path: '/flights/{flightId}/media' },
        { method: 'get', path: '/docks/{gatewaySn}/media' },
        { method: 'get', path: '/media/downloads/{fileId}' },
        { method: 'post', path: '/flights/{flightId}/media/prioritize' },
      ]),
    );
    expect(undocumentedRoutes(running.app, document)).toEqual([]);
    const snapshot = path.resolve(__dirname, '../../../docs/openapi/media.json');
    const served = `${JSON.stringify(document, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') {
      await mkdir(path.dirname(snapshot), { recursive: true });
      await writeFile(snapshot, served);
    }
    // Regenerate with: UPDATE_OPENAPI=1 npx jest test/integration/media --selectProjects integration
    expect(served).toBe(await readFile(snapshot, 'utf8'));
  });
});
