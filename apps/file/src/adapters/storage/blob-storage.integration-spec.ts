import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import S3rver from 's3rver';
import type { BlobStorage } from '../../domain/waylines/blob-storage';
import { LocalBlobStorage } from './local-blob-storage';
import { S3BlobStorage } from './s3-blob-storage';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/**
 * One contract, both adapters: the local directory, and S3 through the AWS SDK against s3rver
 * (an S3-compatible server that runs in-process).
 */
describe.each(['local', 's3'] as const)('%s blob storage', (driver) => {
  let dir: string;
  let storage: BlobStorage;
  let server: S3rver | undefined;
  let source: string;
  const body = 'PK\u0003\u0004 not really a kmz, but bytes are bytes';
  const md5Hex = createHash('md5').update(body).digest('hex');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), `blob-${driver}-`));
    source = path.join(dir, 'source.bin');
    await writeFile(source, body);
    if (driver === 'local') {
      storage = new LocalBlobStorage(path.join(dir, 'store'));
    } else {
      server = new S3rver({
        port: 0,
        address: '127.0.0.1',
        silent: true,
        directory: path.join(dir, 's3'),
        configureBuckets: [{ name: 'waylines', configs: [] }],
      });
      const { port } = await server.run();
      storage = new S3BlobStorage({
        bucket: 'waylines',
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${port}`,
        forcePathStyle: true,
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        keyPrefix: 'tests/',
      });
    }
  });

  afterAll(async () => {
    if (storage instanceof S3BlobStorage) storage.destroy();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers its readiness check', async () => {
    await expect(storage.check()).resolves.toBeUndefined();
  });

  it('stores, describes, reads whole and by range, and deletes', async () => {
    const key = `waylines/${md5Hex}.kmz`;
    expect(await storage.stat(key)).toBeNull();
    await storage.put(key, source, { sizeBytes: body.length, md5Hex });
    expect(await storage.stat(key)).toEqual({ sizeBytes: body.length });
    expect(await text(await storage.read(key))).toBe(body);
    expect(await text(await storage.read(key, { start: 4, end: 9 }))).toBe(body.slice(4, 10));
    // Writing the same content-addressed key again is harmless.
    await storage.put(key, source, { sizeBytes: body.length, md5Hex });
    await storage.delete(key);
    expect(await storage.stat(key)).toBeNull();
    await expect(storage.delete(key)).resolves.toBeUndefined();
    await expect(storage.read(key)).rejects.toBeDefined();
  });

  it('leaves no partial file behind', async () => {
    if (driver !== 'local') return;
    await storage.put('waylines/x.kmz', source, { sizeBytes: body.length, md5Hex });
    expect(await readdir(path.join(dir, 'store', 'waylines'))).toEqual(['x.kmz']);
  });

  it(
    driver === 's3' ? 'hands out presigned URLs that fetch the bytes' : 'has no presigned URLs',
    async () => {
      const key = `waylines/${md5Hex}.kmz`;
      await storage.put(key, source, { sizeBytes: body.length, md5Hex });
      const url = await storage.presignedDownloadUrl(key, 60, 'w.kmz');
      if (driver === 'local') {
        expect(url).toBeNull();
        return;
      }
      expect(url).toMatch(/X-Amz-Expires=60/);
      const response = await fetch(url as string);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(body);
    },
  );
});
