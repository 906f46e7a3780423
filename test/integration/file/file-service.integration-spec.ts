import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, readlink, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Producer } from 'kafkajs';
import pino from 'pino';
import {
  KAFKA_TOPICS,
  RequestReplyRecord,
  requestReplyRecordSchema,
  TaskEventRecord,
  TaskState,
  UplinkRecord,
} from '@dock/contracts';
import { decodeRecord, encodeRecord, RunningConsumer, startConsumer } from '@dock/kafka';
import { servedRoutes, undocumentedRoutes } from '@dock/platform';
import { DownloadSignature } from '../../../apps/file/src/domain/downloads/download-signature';
import {
  lyingSizesKmz,
  noise,
  renameEntry,
  templateKml,
  validKmz,
  waylinesWpml,
  zip,
  zipBomb,
} from '../../../apps/file/test/kmz-fixtures';
import { AsyncApiContract, RecordToCheck } from '../../support/asyncapi-contract';
import { eventually } from '../../support/eventually';
import { uniqueName } from '../../support/infra-settings';
import {
  filesUnder,
  RunningFileService,
  SIGNING_KEY,
  startFileService,
  TEST_TOKEN,
} from './file-harness';

const MIB = 1024 * 1024;

/** Descriptors of this process open on files under `dir` (deleted ones included). */
async function openFilesUnder(dir: string): Promise<string[]> {
  const targets = await Promise.all(
    (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((target) => target.startsWith(dir));
}
const auth = { Authorization: `Bearer ${TEST_TOKEN}` };
const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

interface WaylineBody {
  id: string;
  name: string;
  fingerprint: string;
  sizeBytes: number;
  metadata: Record<string, unknown>;
}

/**
 * The file service against real PostgreSQL and Kafka, with real KMZ files built by the tests.
 * The mission service is not running: the file service answers docks from its own record.
 */
describe('file service', () => {
  let service: RunningFileService;
  let producer: Producer;
  let replyConsumer: RunningConsumer;
  const replies: { key: string | undefined; value: RequestReplyRecord }[] = [];
  /** Every record the service wrote, as written, for the AsyncAPI check. */
  const written: RecordToCheck[] = [];

  beforeAll(async () => {
    service = await startFileService({
      FILE_MAX_UPLOAD_BYTES: String(8 * MIB),
      FILE_KMZ_MAX_UNCOMPRESSED_BYTES: String(6 * MIB),
      FILE_KMZ_MAX_ENTRIES: '50',
    });
    producer = service.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    replyConsumer = await startConsumer(service.kafka, {
      groupId: uniqueName('file-test-replies'),
      topics: [service.topics.requestReplies],
      logger: pino({ level: 'silent' }),
      handleBatch: async (records) => {
        for (const record of records) {
          written.push({
            key: record.message.key?.toString() ?? null,
            headers: Object.fromEntries(
              Object.entries(record.message.headers ?? {}).map(([k, v]) => [k, String(v)]),
            ),
            value: JSON.parse(record.message.value?.toString() ?? 'null'),
          });
          const decoded = decodeRecord(record.message.value, requestReplyRecordSchema);
          if (decoded.ok)
            replies.push({ key: record.message.key?.toString(), value: decoded.value });
        }
      },
    });
  }, 60_000);

  afterAll(async () => {
    await replyConsumer?.stop();
    await producer?.disconnect();
    await service?.stop();
  }, 60_000);

  const url = (p: string) => `${service.baseUrl}${p}`;

  async function upload(bytes: Buffer, fileName = 'mission.kmz', name?: string) {
    const form = new FormData();
    if (name) form.append('name', name);
    form.append('file', new Blob([bytes]), fileName);
    const response = await fetch(url('/waylines'), { method: 'POST', headers: auth, body: form });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function uploadOk(bytes: Buffer, name?: string): Promise<WaylineBody> {
    const result = await upload(bytes, 'mission.kmz', name);
    expect(result).toMatchObject({ status: 201 });
    return result.body as unknown as WaylineBody;
  }

  async function rowCount(table: 'waylines' | 'blobs'): Promise<number> {
    const result = await service.db.query(
      `SELECT count(*)::int AS n FROM "${service.schema}".${table}`,
    );
    return (result.rows[0] as { n: number }).n;
  }

  async function downloadUrl(
    id: string,
  ): Promise<{ url: string; fingerprint: string; expiresAt: string }> {
    const response = await fetch(url(`/waylines/${id}/download-url`), { headers: auth });
    expect(response.status).toBe(200);
    return (await response.json()) as { url: string; fingerprint: string; expiresAt: string };
  }

  /** Docks see localhost; tests reach the same server on 127.0.0.1. */
  const internal = (dockUrl: string) => dockUrl.replace('http://localhost:', 'http://127.0.0.1:');

  async function askForResource(
    flightId: string | undefined,
    gatewaySn = 'DOCK-SN-1',
  ): Promise<string> {
    const tid = randomUUID();
    const request: UplinkRecord = {
      schemaVersion: 1,
      gatewaySn,
      family: 'requests',
      method: 'flighttask_resource_get',
      tid,
      bid: `bid-${tid}`,
      timestamp: Date.now(),
      needReply: false,
      known: true,
      receivedAt: Date.now(),
      data: flightId === undefined ? {} : { flight_id: flightId },
    };
    await producer.send({
      topic: service.topics.requests,
      messages: [
        encodeRecord(gatewaySn, request, {
          tid,
          bid: request.bid,
          method: request.method,
          family: 'requests',
        }),
      ],
    });
    return tid;
  }

  function replyTo(tid: string): Promise<{ key: string | undefined; value: RequestReplyRecord }> {
    return eventually(
      () => {
        const reply = replies.find((r) => r.value.tid === tid);
        expect(reply).toBeDefined();
        return reply as { key: string | undefined; value: RequestReplyRecord };
      },
      { timeoutMs: 40_000, intervalMs: 100 },
    );
  }

  async function publishTaskEvent(
    flightId: string,
    waylineId: string,
    state: TaskState,
    version: number,
  ) {
    const event: TaskEventRecord = {
      schemaVersion: 1,
      flightId,
      gatewaySn: 'DOCK-SN-1',
      waylineId,
      taskType: 0,
      state,
      previousState: null,
      cause: 'test',
      resultCode: null,
      version,
      at: Date.now(),
    };
    await producer.send({
      topic: service.topics.taskEvents,
      messages: [encodeRecord('DOCK-SN-1', event)],
    });
  }

  describe('uploads', () => {
    it('accepts a KMZ, fingerprints its exact bytes and keeps its metadata', async () => {
      const bytes = await validKmz({
        droneEnumValue: 91,
        droneSubEnumValue: 1,
        waypoints: 7,
        author: 'upload-1',
      });
      const wayline = await uploadOk(bytes, 'Bridge inspection');
      expect(wayline).toMatchObject({
        name: 'Bridge inspection',
        fingerprint: md5(bytes),
        sizeBytes: bytes.length,
        metadata: {
          droneModelKey: '0-91-1',
          payloadModelKeys: ['1-52-0'],
          templateType: 'waypoint',
          waypointCount: 7,
          waylineCount: 1,
          distanceMeters: 1534.25,
          durationSeconds: 412.5,
        },
      });
      const stored = await readFile(path.join(service.storeDir, 'waylines', `${md5(bytes)}.kmz`));
      expect(stored.equals(bytes)).toBe(true);

      const fetched = await fetch(url(`/waylines/${wayline.id}`), { headers: auth });
      expect(await fetched.json()).toMatchObject({ id: wayline.id, fingerprint: md5(bytes) });
      const list = await fetch(url('/waylines?limit=10'), { headers: auth });
      const page = (await list.json()) as { items: WaylineBody[]; total: number };
      expect(page.items.map((w) => w.id)).toContain(wayline.id);
    });

    it('names a wayline after its file when no name is given', async () => {
      const wayline = await upload(await validKmz({ author: 'named-by-file' }), 'Solar farm.kmz');
      expect(wayline.body).toMatchObject({ name: 'Solar farm' });
    });

    it('stores the same bytes once, whoever uploads them', async () => {
      const bytes = await validKmz({ author: 'dedup' });
      const blobsBefore = await rowCount('blobs');
      const first = await uploadOk(bytes, 'first');
      const second = await uploadOk(bytes, 'second');
      expect(second.id).not.toBe(first.id);
      expect(second.fingerprint).toBe(first.fingerprint);
      expect(await rowCount('blobs')).toBe(blobsBefore + 1);
      const blobFiles = (await filesUnder(service.storeDir)).filter((f) =>
        f.includes(first.fingerprint),
      );
      expect(blobFiles).toEqual([`waylines/${first.fingerprint}.kmz`]);
    });

    const refusals: [string, () => Promise<Buffer>, number, string][] = [
      ['an empty file', async () => Buffer.alloc(0), 422, 'empty_file'],
      [
        'data that is not a zip',
        async () => Buffer.from('<kml>this is not zipped</kml>'),
        422,
        'not_a_zip',
      ],
      ['a truncated zip', async () => (await validKmz()).subarray(0, 200), 422, 'not_a_zip'],
      [
        'a zip without wpmz documents',
        () => zip([{ name: 'readme.txt', data: 'hi' }]),
        422,
        'missing_wayline_files',
      ],
      [
        'malformed XML',
        () => zip([{ name: 'wpmz/waylines.wpml', data: '<kml><Document></kml>' }]),
        422,
        'malformed_xml',
      ],
      ['a zip bomb', () => zipBomb(5), 422, 'compression_ratio'],
      [
        'too many entries',
        () =>
          zip([
            { name: 'wpmz/template.kml', data: templateKml() },
            ...Array.from({ length: 60 }, (_, i) => ({ name: `wpmz/res/${i}.txt`, data: `${i}` })),
          ]),
        422,
        'too_many_entries',
      ],
      [
        'too many bytes once inflated',
        () =>
          zip([
            { name: 'wpmz/waylines.wpml', data: waylinesWpml() },
            { name: 'wpmz/res/a.bin', data: noise(3.5 * MIB), compress: false },
            { name: 'wpmz/res/b.bin', data: noise(3.5 * MIB), compress: false },
          ]),
        422,
        'too_large_uncompressed',
      ],
      [
        'an entry name that climbs out of the archive',
        async () =>
          renameEntry(
            await zip([
              { name: 'wpmz/template.kml', data: templateKml() },
              { name: 'wpmz/aa/evil.kml', data: templateKml() },
            ]),
            'wpmz/aa/evil.kml',
            '../../x/evil.kml',
          ),
        422,
        'unsafe_entry_name',
      ],
      ['sizes that lie', lyingSizesKmz, 422, 'corrupt_archive'],
      [
        'template.kml without waylines.wpml',
        () => zip([{ name: 'wpmz/template.kml', data: templateKml() }]),
        422,
        'missing_wayline_files',
      ],
      [
        'a wayline without waypoints',
        () => zip([{ name: 'wpmz/waylines.wpml', data: waylinesWpml({ waypoints: 0 }) }]),
        422,
        'empty_wayline',
      ],
      [
        'waylines.wpml without a wayline',
        () =>
          zip([
            {
              name: 'wpmz/waylines.wpml',
              data: '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>',
            },
          ]),
        422,
        'empty_wayline',
      ],
      ['a file over the upload limit', async () => noise(9 * MIB), 413, 'file_too_large'],
    ];

    it.each(refusals)(
      'refuses %s with a reason and stores nothing',
      async (_, make, status, code) => {
        const before = {
          waylines: await rowCount('waylines'),
          blobs: await rowCount('blobs'),
          files: await filesUnder(service.storeDir),
        };
        const result = await upload(await make());
        expect(result).toMatchObject({ status, body: { code } });
        expect(typeof result.body.message).toBe('string');
        expect((result.body.message as string).length).toBeGreaterThan(10);
        expect({
          waylines: await rowCount('waylines'),
          blobs: await rowCount('blobs'),
          files: await filesUnder(service.storeDir),
        }).toEqual(before);
        await eventually(async () => expect(await filesUnder(service.tmpDir)).toEqual([]));
      },
    );

    it('answers a KMZ of stored (zip -0) entries, leaving no file or handle behind', async () => {
      const stored = await zip([
        { name: 'wpmz/template.kml', data: templateKml({ author: 'stored' }), compress: false },
        { name: 'wpmz/waylines.wpml', data: waylinesWpml({ waypoints: 5 }), compress: false },
      ]);
      const form = new FormData();
      form.append('name', 'z');
      form.append('file', new Blob([stored]), 'z0.kmz');
      const response = await fetch(url('/waylines'), {
        method: 'POST',
        headers: auth,
        body: form,
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ metadata: { waypointCount: 5 } });
      await eventually(async () => {
        expect(await filesUnder(service.tmpDir)).toEqual([]);
        expect(await openFilesUnder(service.tmpDir)).toEqual([]);
      });
    });

    it('stages uploads in a directory of its own instance under FILE_UPLOAD_TMP_DIR', async () => {
      await uploadOk(await validKmz({ author: 'staging' }));
      const dirs = await readdir(service.tmpDir);
      expect(dirs).toHaveLength(1);
      expect(dirs[0]).toMatch(new RegExp(`^instance-${process.pid}-[0-9a-f]{8}$`));
    });

    it('refuses a body that is not multipart, and a form without the file', async () => {
      const raw = await fetch(url('/waylines'), {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/octet-stream' },
        body: await validKmz(),
      });
      expect(raw.status).toBe(415);
      const form = new FormData();
      form.append('name', 'no file');
      const empty = await fetch(url('/waylines'), { method: 'POST', headers: auth, body: form });
      expect(empty.status).toBe(400);
      expect(await empty.json()).toMatchObject({ code: 'missing_file' });
    });
  });

  describe('authentication', () => {
    it('refuses the API without a token or with an unknown one', async () => {
      const none = await fetch(url('/waylines'));
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      const wrong = await fetch(url('/waylines'), { headers: { Authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      const flights = await fetch(url('/flights/f/wayline'), { method: 'POST' });
      expect(flights.status).toBe(401);
    });

    it('keeps health, metrics and the docs public', async () => {
      expect((await fetch(url('/health/live'))).status).toBe(200);
      expect((await fetch(url('/health/ready'))).status).toBe(200);
      expect((await fetch(url('/metrics'))).status).toBe(200);
      expect((await fetch(url('/docs/openapi.json'))).status).toBe(200);
    });
  });

  describe('downloads', () => {
    let wayline: WaylineBody;
    let bytes: Buffer;

    beforeAll(async () => {
      bytes = await validKmz({ waypoints: 40, author: 'downloads' });
      wayline = await uploadOk(bytes);
    });

    it('hands out an expiring signed URL on the address docks use', async () => {
      const link = await downloadUrl(wayline.id);
      expect(link.fingerprint).toBe(md5(bytes));
      expect(link.url).toMatch(
        new RegExp(
          `^http://localhost:\\d+/downloads/${wayline.id}\\.kmz\\?expires=\\d+&signature=[\\w-]+$`,
        ),
      );
      const ttl = new Date(link.expiresAt).getTime() - Date.now();
      expect(ttl).toBeGreaterThan(3_500_000);
      expect(ttl).toBeLessThanOrEqual(3_600_000);
    });

    it('serves the exact bytes with Content-Length, ETag and Content-MD5, without a token', async () => {
      const response = await fetch(internal((await downloadUrl(wayline.id)).url));
      expect(response.status).toBe(200);
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.equals(bytes)).toBe(true);
      expect(response.headers.get('content-length')).toBe(String(bytes.length));
      expect(response.headers.get('etag')).toBe(`"${md5(bytes)}"`);
      expect(response.headers.get('content-md5')).toBe(
        createHash('md5').update(bytes).digest('base64'),
      );
      expect(response.headers.get('accept-ranges')).toBe('bytes');
    });

    it('answers HEAD with the headers and no body', async () => {
      const response = await fetch(internal((await downloadUrl(wayline.id)).url), {
        method: 'HEAD',
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(bytes.length));
      expect(response.headers.get('etag')).toBe(`"${md5(bytes)}"`);
      expect((await response.arrayBuffer()).byteLength).toBe(0);
    });

    it('serves byte ranges, so an interrupted download resumes', async () => {
      const link = internal((await downloadUrl(wayline.id)).url);
      const first = await fetch(link, { headers: { Range: 'bytes=0-99' } });
      expect(first.status).toBe(206);
      expect(first.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`);
      expect(first.headers.get('content-length')).toBe('100');
      const head = Buffer.from(await first.arrayBuffer());
      const rest = await fetch(link, { headers: { Range: 'bytes=100-' } });
      expect(rest.status).toBe(206);
      const tail = Buffer.from(await rest.arrayBuffer());
      expect(Buffer.concat([head, tail]).equals(bytes)).toBe(true);

      const suffix = await fetch(link, { headers: { Range: 'bytes=-10' } });
      expect(
        Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(bytes.length - 10)),
      ).toBe(true);

      const past = await fetch(link, { headers: { Range: `bytes=${bytes.length}-` } });
      expect(past.status).toBe(416);
      expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
      await past.arrayBuffer();

      const stale = await fetch(link, { headers: { Range: 'bytes=0-9', 'If-Range': '"other"' } });
      expect(stale.status).toBe(200);
      await stale.arrayBuffer();
    });

    it('refuses tampered, expired and unknown URLs without sending bytes', async () => {
      const link = new URL(internal((await downloadUrl(wayline.id)).url));
      const signature = link.searchParams.get('signature') as string;
      const expires = link.searchParams.get('expires') as string;

      const tampered = (mutate: (u: URL) => void) => {
        const copy = new URL(link);
        mutate(copy);
        return copy.toString();
      };
      const attempts = [
        tampered((u) =>
          u.searchParams.set(
            'signature',
            `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`,
          ),
        ),
        tampered((u) => u.searchParams.set('expires', String(Number(expires) + 3600))),
        tampered((u) => u.searchParams.delete('signature')),
        tampered((u) => (u.pathname = `/downloads/${randomUUID()}.kmz`)),
      ];
      for (const attempt of attempts) {
        const response = await fetch(attempt);
        expect(response.status).toBe(403);
        const body = await response.text();
        expect(body).toContain('invalid_signature');
        expect(body).not.toContain('wpmz');
      }

      // Signed with the right key but already expired: as a URL handed out an hour ago.
      const signer = new DownloadSignature(SIGNING_KEY);
      const past = Math.floor(Date.now() / 1000) - 1;
      const expired = await fetch(
        url(
          `/downloads/${wayline.id}.kmz?expires=${past}&signature=${signer.sign(wayline.id, past)}`,
        ),
      );
      expect(expired.status).toBe(403);
      expect(await expired.json()).toMatchObject({ code: 'url_expired' });

      const unknownId = randomUUID();
      const future = Math.floor(Date.now() / 1000) + 600;
      const unknown = await fetch(
        url(
          `/downloads/${unknownId}.kmz?expires=${future}&signature=${signer.sign(unknownId, future)}`,
        ),
      );
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 'wayline_not_found' });
    });
  });

  describe('flighttask_resource_get with the mission service not running', () => {
    it('answers a flight bound through the internal API with a fresh URL and the fingerprint', async () => {
      const bytes = await validKmz({ author: 'resource-bound' });
      const wayline = await uploadOk(bytes);
      const flightId = randomUUID();
      const bind = await fetch(url(`/flights/${flightId}/wayline`), {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ waylineId: wayline.id, gatewaySn: 'DOCK-SN-1' }),
      });
      expect(bind.status).toBe(200);
      const prepared = (await bind.json()) as { url: string; fingerprint: string };
      expect(prepared.fingerprint).toBe(md5(bytes));

      const tid = await askForResource(flightId);
      const reply = await replyTo(tid);
      expect(reply.key).toBe('DOCK-SN-1');
      expect(reply.value).toMatchObject({
        gatewaySn: 'DOCK-SN-1',
        tid,
        bid: `bid-${tid}`,
        method: 'flighttask_resource_get',
        data: { result: 0, output: { file: { fingerprint: md5(bytes) } } },
      });
      const file = (reply.value.data as unknown as { output: { file: { url: string } } }).output
        .file;
      const downloaded = await fetch(internal(file.url));
      expect(md5(Buffer.from(await downloaded.arrayBuffer()))).toBe(md5(bytes));
    });

    it('answers a non-zero result for an unknown flight and for a request without flight_id', async () => {
      const unknown = await replyTo(await askForResource(`unknown-${randomUUID()}`));
      expect(unknown.value.data).toEqual({ result: 314013 });
      const missing = await replyTo(await askForResource(undefined));
      expect(missing.value.data).toEqual({ result: 314013 });
    });

    it('learns flights from task events and refuses deleting a wayline a live task uses', async () => {
      const bytes = await validKmz({ author: 'task-events' });
      const wayline = await uploadOk(bytes);
      const flightId = randomUUID();
      await publishTaskEvent(flightId, wayline.id, 'executing', 3);

      await eventually(
        async () => {
          const known = await fetch(url(`/flights/${flightId}/wayline`), { headers: auth });
          expect(await known.json()).toMatchObject({
            waylineId: wayline.id,
            taskState: 'executing',
          });
        },
        { timeoutMs: 40_000, intervalMs: 100 },
      );
      const reply = await replyTo(await askForResource(flightId));
      expect(reply.value.data).toMatchObject({
        result: 0,
        output: { file: { fingerprint: md5(bytes) } },
      });

      const refused = await fetch(url(`/waylines/${wayline.id}`), {
        method: 'DELETE',
        headers: auth,
      });
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ code: 'wayline_in_use', flightIds: [flightId] });

      // An older event arriving late changes nothing; the final one frees the file.
      await publishTaskEvent(flightId, wayline.id, 'scheduled', 1);
      await publishTaskEvent(flightId, wayline.id, 'ok', 7);
      await eventually(
        async () => {
          const known = await fetch(url(`/flights/${flightId}/wayline`), { headers: auth });
          expect(await known.json()).toMatchObject({ taskState: 'ok' });
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      const oldLink = internal((await downloadUrl(wayline.id)).url);
      const deleted = await fetch(url(`/waylines/${wayline.id}`), {
        method: 'DELETE',
        headers: auth,
      });
      expect(deleted.status).toBe(204);

      expect((await fetch(url(`/waylines/${wayline.id}`), { headers: auth })).status).toBe(404);
      expect((await fetch(oldLink)).status).toBe(404);
      expect(await filesUnder(service.storeDir)).not.toContain(`waylines/${md5(bytes)}.kmz`);
      const gone = await replyTo(await askForResource(flightId));
      expect(gone.value.data).toEqual({ result: 314013 });
    });

    it('refuses deleting a wayline just bound for a prepare that no task event confirmed yet', async () => {
      const wayline = await uploadOk(await validKmz({ author: 'fresh-binding' }));
      const flightId = randomUUID();
      const bind = await fetch(url(`/flights/${flightId}/wayline`), {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ waylineId: wayline.id, gatewaySn: 'DOCK-SN-2' }),
      });
      expect(bind.status).toBe(200);
      const refused = await fetch(url(`/waylines/${wayline.id}`), {
        method: 'DELETE',
        headers: auth,
      });
      expect(refused.status).toBe(409);
    });

    it('refuses binding to an unknown wayline and a malformed binding request', async () => {
      const unknown = await fetch(url(`/flights/${randomUUID()}/wayline`), {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ waylineId: randomUUID(), gatewaySn: 'DOCK-SN-1' }),
      });
      expect(unknown.status).toBe(404);
      const malformed = await fetch(url(`/flights/${randomUUID()}/wayline`), {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ waylineId: 'not-a-uuid' }),
      });
      expect(malformed.status).toBe(400);
    });
  });

  describe('deleting shared bytes', () => {
    it('keeps the blob while another wayline uses it, and removes it with the last one', async () => {
      const bytes = await validKmz({ author: 'shared-delete' });
      const a = await uploadOk(bytes, 'a');
      const b = await uploadOk(bytes, 'b');
      const blob = `waylines/${md5(bytes)}.kmz`;
      expect(
        (await fetch(url(`/waylines/${a.id}`), { method: 'DELETE', headers: auth })).status,
      ).toBe(204);
      expect(await filesUnder(service.storeDir)).toContain(blob);
      const still = await fetch(internal((await downloadUrl(b.id)).url));
      expect(md5(Buffer.from(await still.arrayBuffer()))).toBe(md5(bytes));
      expect(
        (await fetch(url(`/waylines/${b.id}`), { method: 'DELETE', headers: auth })).status,
      ).toBe(204);
      expect(await filesUnder(service.storeDir)).not.toContain(blob);
      expect(
        (await fetch(url(`/waylines/${b.id}`), { method: 'DELETE', headers: auth })).status,
      ).toBe(404);
    });
  });

  it('wrote only dock.request-replies records that docs/asyncapi.yaml describes', () => {
    const contract = new AsyncApiContract();
    expect(written.length).toBeGreaterThan(0);
    for (const record of written) {
      expect(contract.check(KAFKA_TOPICS.requestReplies, record)).toEqual([]);
    }
  });

  describe('OpenAPI', () => {
    it('documents every route the service serves, as committed in docs/openapi/file.json', async () => {
      const document = (await (await fetch(url('/docs/openapi.json'))).json()) as OpenAPIObject;
      expect(servedRoutes(service.running.app)).toEqual(
        expect.arrayContaining([
          { method: 'post', path: '/waylines' },
          { method: 'delete', path: '/waylines/{id}' },
          { method: 'get', path: '/downloads/{fileName}' },
          { method: 'post', path: '/flights/{flightId}/wayline' },
        ]),
      );
      expect(undocumentedRoutes(service.running.app, document)).toEqual([]);
      const snapshot = path.resolve(__dirname, '../../../docs/openapi/file.json');
      const served = `${JSON.stringify(document, null, 2)}\n`;
      if (process.env.UPDATE_OPENAPI === '1') {
        await mkdir(path.dirname(snapshot), { recursive: true });
        await writeFile(snapshot, served);
      }
      // Regenerate with: UPDATE_OPENAPI=1 npx jest test/integration/file --selectProjects integration
      expect(served).toBe(await readFile(snapshot, 'utf8'));
    });
  });
});
