import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { StorageCredentials } from '@dock/protocol';
import { S3MediaStore } from '../storage/s3-media-store';
import { StsUploadCredentials } from '../storage/upload-credentials';
import { S3StandIn } from './s3-standin';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/**
 * The embedded S3 endpoint through the real AWS SDK v3: STS AssumeRole with a session policy
 * (the media service's issuer), uploads with the temporary key (SigV4 verified), refusals
 * outside the prefix, for reads, with a wrong secret, and once expired; root reads with Range.
 */
describe('S3 stand-in with STS', () => {
  let dir: string;
  let standIn: S3StandIn;
  let endpoint: string;
  let now = Date.now();
  const root = {
    accessKeyId: `ROOT${randomBytes(6).toString('hex')}`,
    secretAccessKey: randomBytes(24).toString('hex'),
  };
  const bucket = 'media-test';
  const region = 'us-east-1';
  let issuer: StsUploadCredentials;
  let store: S3MediaStore;
  const clients: S3Client[] = [];

  function uploader(credentials: StorageCredentials): S3Client {
    const client = new S3Client({
      region,
      endpoint,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      credentials: {
        accessKeyId: credentials.access_key_id,
        secretAccessKey: credentials.access_key_secret,
        sessionToken: credentials.security_token,
      },
    });
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'media-standin-'));
    standIn = new S3StandIn({
      directory: dir,
      bucket,
      region,
      rootAccessKeyId: root.accessKeyId,
      rootSecretAccessKey: root.secretAccessKey,
      now: () => now,
    });
    endpoint = await standIn.start(0);
    issuer = new StsUploadCredentials({
      region,
      endpoint,
      roleArn: 'arn:aws:iam::000000000000:role/x',
      ttlSeconds: 900,
      ...root,
    });
    store = new S3MediaStore({ bucket, region, endpoint, ...root });
  });

  afterAll(async () => {
    issuer.destroy();
    store.destroy();
    for (const client of clients) client.destroy();
    await standIn.stop();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    now = Date.now();
  });

  it('lets a temporary key write only under its prefixes, and reads back whole and by range', async () => {
    const credentials = await issuer.issue({ bucket, prefixes: ['org-1/DOCK1/F-1/'] }, 'DOCK1');
    expect(credentials.expire).toBe(900);
    expect(credentials.security_token.length).toBeGreaterThan(10);
    const client = uploader(credentials);
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'org-1/DOCK1/F-1/DJI_0001.jpeg',
        Body: 'jpeg bytes here',
        ContentType: 'image/jpeg',
      }),
    );
    const stat = await store.stat('org-1/DOCK1/F-1/DJI_0001.jpeg');
    expect(stat).toEqual({
      sizeBytes: 15,
      md5: expect.stringMatching(/^[0-9a-f]{32}$/),
      contentType: 'image/jpeg',
    });
    expect(await text(await store.read('org-1/DOCK1/F-1/DJI_0001.jpeg'))).toBe('jpeg bytes here');
    expect(
      await text(await store.read('org-1/DOCK1/F-1/DJI_0001.jpeg', { start: 5, end: 9 })),
    ).toBe('bytes');

    for (const key of [
      'org-1/DOCK1/F-2/x.jpeg',
      'org-2/DOCK1/F-1/x.jpeg',
      'org-1/DOCK1/F-1/../F-2/x.jpeg',
    ]) {
      await expect(
        client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' })),
      ).rejects.toMatchObject({ name: 'AccessDenied' });
    }
    // Write-only: the upload key cannot read, not even its own objects.
    await expect(
      client.send(new GetObjectCommand({ Bucket: bucket, Key: 'org-1/DOCK1/F-1/DJI_0001.jpeg' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(await store.stat('org-1/DOCK1/F-2/x.jpeg')).toBeNull();
  });

  it('refuses a wrong secret, a missing session token and an expired key', async () => {
    const credentials = await issuer.issue({ bucket, prefixes: ['org-1/DOCK2/'] }, 'DOCK2');
    const put = (client: S3Client) =>
      client.send(new PutObjectCommand({ Bucket: bucket, Key: 'org-1/DOCK2/F/a.jpeg', Body: 'a' }));
    await expect(
      put(uploader({ ...credentials, access_key_secret: 'wrong-secret' })),
    ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    await expect(put(uploader({ ...credentials, security_token: '' }))).rejects.toMatchObject({
      name: 'InvalidToken',
    });
    await expect(put(uploader(credentials))).resolves.toBeDefined();
    now = Date.now() + 901_000;
    await expect(put(uploader(credentials))).rejects.toMatchObject({ name: 'ExpiredToken' });
  });

  it('only lets the root key assume a role, with a policy on its own bucket', async () => {
    const credentials = await issuer.issue({ bucket, prefixes: ['org-1/DOCK3/'] }, 'DOCK3');
    const asTemporary = new StsUploadCredentials({
      region,
      endpoint,
      roleArn: 'arn:aws:iam::0:role/x',
      ttlSeconds: 900,
      accessKeyId: credentials.access_key_id,
      secretAccessKey: credentials.access_key_secret,
    });
    await expect(asTemporary.issue({ bucket, prefixes: ['org-1/'] }, 'x')).rejects.toBeDefined();
    asTemporary.destroy();
    await expect(
      issuer.issue({ bucket: 'other-bucket', prefixes: ['a/'] }, 'x'),
    ).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' });
  });

  it('serves presigned GET URLs of the root key with Range', async () => {
    const client = uploader({
      access_key_id: root.accessKeyId,
      access_key_secret: root.secretAccessKey,
      expire: 1,
      security_token: '',
    });
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'org-9/D/F/p.jpeg', Body: '0123456789' }),
    );
    const url = await getSignedUrl(
      new S3Client({
        region,
        endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: root.accessKeyId, secretAccessKey: root.secretAccessKey },
      }),
      new GetObjectCommand({ Bucket: bucket, Key: 'org-9/D/F/p.jpeg' }),
      { expiresIn: 60 },
    );
    const response = await fetch(url, { headers: { Range: 'bytes=2-4' } });
    expect(response.status).toBe(206);
    expect(await response.text()).toBe('234');
    const tampered = await fetch(url.replace('p.jpeg', 'q.jpeg'));
    expect(tampered.status).toBe(403);
  });
});
