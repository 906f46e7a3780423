import { PassThrough, Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { DownloadableFile, DownloadOutcome, sendDownload } from './ranged-download';

const BYTES = Buffer.from('0123456789');

/** A response that records what the route set and the body it streamed. */
function recorder() {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const headers: Record<string, string> = {};
  const fake = Object.assign(sink, {
    statusCode: 0,
    status(code: number) {
      fake.statusCode = code;
      return fake;
    },
    setHeader(name: string, value: string) {
      headers[name] = value;
      return fake;
    },
  });
  return {
    response: fake as unknown as Response,
    fake,
    headers,
    body: () => Buffer.concat(chunks),
  };
}

function file(extra: Partial<DownloadableFile> = {}): DownloadableFile {
  return {
    sizeBytes: BYTES.length,
    etag: '"abc"',
    contentType: 'application/octet-stream',
    fileName: 'a "b"\r\n.jpg',
    open: async (range) =>
      Readable.from([range ? BYTES.subarray(range.start, range.end + 1) : BYTES]),
    ...extra,
  };
}

async function send(headers: Record<string, string>, method = 'GET', of = file()) {
  const recorded = recorder();
  const outcomes: DownloadOutcome[] = [];
  const request = { method, headers } as unknown as Request;
  await sendDownload(request, recorded.response, of, {
    decided: (outcome) => outcomes.push(outcome),
    interrupted: () => undefined,
  });
  return { ...recorded, outcomes };
}

describe('sendDownload', () => {
  it('sends the whole file with its validators and a safe file name', async () => {
    const sent = await send({}, 'GET', file({ contentMd5: 'bWQ1', lastModified: new Date(0) }));
    expect(sent.fake.statusCode).toBe(200);
    expect(sent.body().toString()).toBe('0123456789');
    expect(sent.headers).toMatchObject({
      ETag: '"abc"',
      'Accept-Ranges': 'bytes',
      'Content-Disposition': 'attachment; filename="a _b___.jpg"',
      'Content-Length': '10',
      'Content-MD5': 'bWQ1',
      'Last-Modified': 'Thu, 01 Jan 1970 00:00:00 GMT',
    });
    expect(sent.outcomes).toEqual(['full']);
  });

  it('sends one range, without the whole-file digest', async () => {
    const sent = await send({ range: 'bytes=2-4' }, 'GET', file({ contentMd5: 'bWQ1' }));
    expect(sent.fake.statusCode).toBe(206);
    expect(sent.body().toString()).toBe('234');
    expect(sent.headers['Content-Range']).toBe('bytes 2-4/10');
    expect(sent.headers['Content-MD5']).toBeUndefined();
    expect(sent.outcomes).toEqual(['partial']);
  });

  it('ignores the range for another version (If-Range), or without a validator', async () => {
    expect((await send({ range: 'bytes=2-4', 'if-range': '"old"' })).fake.statusCode).toBe(200);
    expect((await send({ range: 'bytes=2-4', 'if-range': '"abc"' })).fake.statusCode).toBe(206);
    const unvalidated = file({ etag: undefined });
    const sent = await send({ range: 'bytes=2-4', 'if-range': '"abc"' }, 'GET', unvalidated);
    expect(sent.fake.statusCode).toBe(200);
    expect(sent.headers.ETag).toBeUndefined();
  });

  it('answers a range past the end with 416 and a HEAD without a body', async () => {
    const past = await send({ range: 'bytes=10-' });
    expect(past.fake.statusCode).toBe(416);
    expect(past.headers['Content-Range']).toBe('bytes */10');
    expect(past.outcomes).toEqual(['unsatisfiable']);
    const head = await send({}, 'HEAD', file({ open: () => Promise.reject(new Error('read')) }));
    expect(head.fake.statusCode).toBe(200);
    expect(head.body().length).toBe(0);
    expect(head.outcomes).toEqual(['head']);
  });
});
