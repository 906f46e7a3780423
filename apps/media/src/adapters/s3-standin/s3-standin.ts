import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { parseRange } from '@dock/url-signing';
import {
  evaluatePutAllowed,
  grantOfPolicy,
  UploadGrant,
} from '../../domain/storage/session-policy';
import {
  expectedSignature,
  parseSignature,
  queryPairs,
  sha256Hex,
  SignatureParts,
  signaturesMatch,
  signatureWindow,
  SignedRequest,
  UNSIGNED_PAYLOAD,
} from '../../domain/storage/sigv4';

export interface S3StandInSettings {
  /** Where objects are kept (survives restarts). */
  directory: string;
  bucket: string;
  region: string;
  /** The root key: full access, and the only one that may call AssumeRole. */
  rootAccessKeyId: string;
  rootSecretAccessKey: string;
  /** Largest object accepted, bytes. */
  maxObjectBytes?: number;
  logger?: Logger;
  now?: () => number;
}

interface TemporaryKey {
  secret: string;
  token: string;
  grant: UploadGrant;
  expiresAt: number;
}

interface ObjectMeta {
  key: string;
  size: number;
  md5: string;
  contentType: string;
  lastModified: number;
}

type Caller = { kind: 'root' } | { kind: 'temporary'; key: TemporaryKey };

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/**
 * An S3-compatible endpoint of the embedded mode (and of tests): path-style PUT, GET (Range),
 * HEAD and DELETE of objects in one bucket, plus STS AssumeRole with a session policy, as MinIO
 * serves it. Every request is SigV4-verified: the root key may do anything; a temporary key
 * (from AssumeRole) may only PUT under the prefixes its session policy names, until it expires.
 * Objects live on disk under `directory`; temporary keys live in memory (they last minutes).
 */
export class S3StandIn {
  private server: Server | undefined;
  private readonly temporary = new Map<string, TemporaryKey>();
  private readonly now: () => number;
  private readonly maxBytes: number;

  constructor(private readonly settings: S3StandInSettings) {
    this.now = settings.now ?? Date.now;
    this.maxBytes = settings.maxObjectBytes ?? 5 * 1024 ** 3;
  }

  /** The HTTP server, for a caller that listens it itself (the embedded mode's port choice). */
  async createServer(): Promise<Server> {
    await mkdir(this.objectsDir(), { recursive: true });
    const server = createServer((request, response) => {
      void this.handle(request, response);
    });
    this.server = server;
    return server;
  }

  /** Listens; resolves with the base URL (http://host:port). */
  async start(port: number, host = '127.0.0.1'): Promise<string> {
    const server = await this.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private objectsDir(): string {
    return path.join(this.settings.directory, 'objects');
  }

  private objectPath(key: string): string {
    return path.join(this.objectsDir(), sha256Hex(`${this.settings.bucket}\n${key}`));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = request.url ?? '/';
      const pathname = url.split('?')[0];
      if (request.method === 'POST' && pathname === '/') {
        await this.assumeRole(request, response);
        return;
      }
      const segments = pathname.split('/').slice(1);
      const bucket = decodeSegment(segments[0] ?? '');
      const key = segments.slice(1).map(decodeSegment).join('/');
      if (bucket !== this.settings.bucket) {
        throw new S3Error(404, 'NoSuchBucket', `bucket ${bucket || '(none)'} does not exist`);
      }
      switch (request.method) {
        case 'PUT':
          await this.put(request, response, bucket, key);
          return;
        case 'GET':
        case 'HEAD':
          this.requireRoot(await this.authenticate(request, 's3', undefined));
          if (key === '') {
            response.writeHead(200).end();
            return;
          }
          await this.get(request, response, key);
          return;
        case 'DELETE':
          this.requireRoot(await this.authenticate(request, 's3', undefined));
          await this.remove(key);
          response.writeHead(204).end();
          return;
        default:
          throw new S3Error(405, 'MethodNotAllowed', `${request.method} is not supported`);
      }
    } catch (error) {
      this.fail(request, response, error);
    }
  }

  /** Verifies the signature; the body hash for services that sign it (sts) is passed in. */
  private async authenticate(
    request: IncomingMessage,
    service: 's3' | 'sts',
    bodyHash: string | undefined,
  ): Promise<{ caller: Caller; parts: SignatureParts }> {
    const signed: SignedRequest = {
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      headers: request.headers,
    };
    const parsed = parseSignature(signed);
    if (!parsed.ok) throw new S3Error(403, 'AccessDenied', parsed.problem);
    const parts = parsed.parts;
    if (parts.service !== service || parts.region !== this.settings.region) {
      throw new S3Error(
        403,
        'AuthorizationHeaderMalformed',
        `credential scope must be ${this.settings.region}/${service}`,
      );
    }
    const now = this.now();
    let caller: Caller;
    let secret: string;
    if (parts.accessKeyId === this.settings.rootAccessKeyId) {
      caller = { kind: 'root' };
      secret = this.settings.rootSecretAccessKey;
    } else {
      const key = this.temporary.get(parts.accessKeyId);
      if (!key) throw new S3Error(403, 'InvalidAccessKeyId', 'unknown access key');
      if (key.expiresAt <= now) {
        this.temporary.delete(parts.accessKeyId);
        throw new S3Error(403, 'ExpiredToken', 'the temporary credentials have expired');
      }
      if (parts.securityToken !== key.token) {
        throw new S3Error(403, 'InvalidToken', 'security token missing or wrong');
      }
      caller = { kind: 'temporary', key };
      secret = key.secret;
    }
    const window = signatureWindow(parts);
    if (!(now >= window.notBefore && now <= window.notAfter)) {
      throw new S3Error(
        403,
        parts.presigned ? 'AccessDenied' : 'RequestTimeTooSkewed',
        'request expired or not yet valid',
      );
    }
    const payloadHash = bodyHash ?? parts.payloadHash ?? '';
    if (service === 's3' && !parts.presigned && parts.payloadHash === undefined) {
      throw new S3Error(400, 'InvalidRequest', 'x-amz-content-sha256 is required');
    }
    const expected = expectedSignature(signed, parts, secret, payloadHash);
    if (!signaturesMatch(expected, parts.signature)) {
      throw new S3Error(403, 'SignatureDoesNotMatch', 'the request signature does not match');
    }
    return { caller, parts };
  }

  private requireRoot(auth: { caller: Caller }): void {
    if (auth.caller.kind !== 'root') {
      throw new S3Error(403, 'AccessDenied', 'these credentials may only upload');
    }
  }

  private async put(
    request: IncomingMessage,
    response: ServerResponse,
    bucket: string,
    key: string,
  ): Promise<void> {
    const { caller, parts } = await this.authenticate(request, 's3', undefined);
    if (key === '' || key.length > 1024)
      throw new S3Error(400, 'InvalidArgument', 'bad object key');
    if (caller.kind === 'temporary' && !evaluatePutAllowed(caller.key.grant, bucket, key)) {
      throw new S3Error(403, 'AccessDenied', `writing ${key} is outside the allowed prefix`);
    }
    const declared = parts.payloadHash;
    if (declared !== UNSIGNED_PAYLOAD && !/^[0-9a-f]{64}$/.test(declared ?? '')) {
      throw new S3Error(
        501,
        'NotImplemented',
        'send the payload as UNSIGNED-PAYLOAD or with its SHA-256 (no aws-chunked)',
      );
    }
    const length = Number(request.headers['content-length'] ?? Number.NaN);
    if (!Number.isInteger(length) || length < 0) {
      throw new S3Error(411, 'MissingContentLength', 'Content-Length is required');
    }
    if (length > this.maxBytes) throw new S3Error(400, 'EntityTooLarge', 'object too large');
    const target = this.objectPath(key);
    const temp = `${target}.${randomUUID()}.part`;
    const sha = createHash('sha256');
    const md5 = createHash('md5');
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      sha.update(chunk);
      md5.update(chunk);
      size += chunk.length;
    });
    try {
      await pipeline(request, createWriteStream(temp));
      if (size !== length)
        throw new S3Error(400, 'IncompleteBody', 'body shorter than Content-Length');
      if (declared !== UNSIGNED_PAYLOAD && sha.digest('hex') !== declared) {
        throw new S3Error(
          400,
          'XAmzContentSHA256Mismatch',
          'the body does not match x-amz-content-sha256',
        );
      }
      const md5Bytes = md5.digest();
      const contentMd5 = request.headers['content-md5'];
      if (typeof contentMd5 === 'string' && contentMd5 !== md5Bytes.toString('base64')) {
        throw new S3Error(400, 'BadDigest', 'the body does not match Content-MD5');
      }
      const meta: ObjectMeta = {
        key,
        size,
        md5: md5Bytes.toString('hex'),
        contentType: String(request.headers['content-type'] ?? 'application/octet-stream'),
        lastModified: this.now(),
      };
      await writeFile(`${target}.json`, JSON.stringify(meta));
      await rename(temp, target);
      response.writeHead(200, { ETag: `"${meta.md5}"` }).end();
    } finally {
      await rm(temp, { force: true });
    }
  }

  private async get(
    request: IncomingMessage,
    response: ServerResponse,
    key: string,
  ): Promise<void> {
    const file = this.objectPath(key);
    const meta = await this.meta(file);
    if (!meta || meta.key !== key) throw new S3Error(404, 'NoSuchKey', 'the object does not exist');
    const range = parseRange(
      typeof request.headers.range === 'string' ? request.headers.range : undefined,
      meta.size,
    );
    const headers: Record<string, string> = {
      ETag: `"${meta.md5}"`,
      'Accept-Ranges': 'bytes',
      'Content-Type': meta.contentType,
      'Last-Modified': new Date(meta.lastModified).toUTCString(),
    };
    if (range.kind === 'unsatisfiable') {
      response.writeHead(416, { 'Content-Range': `bytes */${meta.size}` }).end();
      return;
    }
    if (range.kind === 'partial') {
      const { start, end } = range.range;
      headers['Content-Range'] = `bytes ${start}-${end}/${meta.size}`;
      headers['Content-Length'] = String(end - start + 1);
      response.writeHead(206, headers);
    } else {
      headers['Content-Length'] = String(meta.size);
      response.writeHead(200, headers);
    }
    if (request.method === 'HEAD' || meta.size === 0) {
      response.end();
      return;
    }
    const stream =
      range.kind === 'partial'
        ? createReadStream(file, { start: range.range.start, end: range.range.end })
        : createReadStream(file);
    await pipeline(stream, response).catch(() => undefined);
  }

  private async meta(file: string): Promise<ObjectMeta | null> {
    try {
      await stat(file);
      return JSON.parse(await readFile(`${file}.json`, 'utf8')) as ObjectMeta;
    } catch {
      return null;
    }
  }

  private async remove(key: string): Promise<void> {
    const file = this.objectPath(key);
    await rm(file, { force: true });
    await rm(`${file}.json`, { force: true });
  }

  /** STS AssumeRole (the query protocol, as MinIO serves it at the S3 endpoint). */
  private async assumeRole(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > 64 * 1024) throw new S3Error(400, 'InvalidRequest', 'request too large');
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const { caller } = await this.authenticate(request, 'sts', sha256Hex(body));
    if (caller.kind !== 'root') {
      throw new S3Error(403, 'AccessDenied', 'only the root key may assume a role');
    }
    const form = new Map(queryPairs(`?${body.toString('utf8').replace(/\+/g, '%20')}`));
    if (form.get('Action') !== 'AssumeRole') {
      throw new S3Error(400, 'InvalidAction', 'only AssumeRole is served');
    }
    const grant = grantOfPolicy(form.get('Policy') ?? '');
    if (!grant || grant.bucket !== this.settings.bucket || grant.prefixes.length === 0) {
      throw new S3Error(
        400,
        'MalformedPolicyDocument',
        'a PutObject policy on this bucket is required',
      );
    }
    const duration = Number(form.get('DurationSeconds') ?? '3600');
    if (!Number.isInteger(duration) || duration < 60 || duration > 43_200) {
      throw new S3Error(400, 'ValidationError', 'DurationSeconds must be 60..43200');
    }
    this.sweep();
    const accessKeyId = `STANDIN${randomBytes(10).toString('hex').toUpperCase()}`;
    const key: TemporaryKey = {
      secret: randomBytes(30).toString('base64url'),
      token: randomBytes(48).toString('base64url'),
      grant,
      expiresAt: this.now() + duration * 1000,
    };
    this.temporary.set(accessKeyId, key);
    const session = escapeXml(form.get('RoleSessionName') ?? 'session');
    response.writeHead(200, { 'Content-Type': 'text/xml' }).end(
      `<?xml version="1.0" encoding="UTF-8"?>
<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><Credentials>` +
        `<AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${key.secret}</SecretAccessKey>` +
        `<SessionToken>${key.token}</SessionToken>` +
        `<Expiration>${new Date(key.expiresAt).toISOString()}</Expiration></Credentials>` +
        `<AssumedRoleUser><Arn>arn:aws:sts::000000000000:assumed-role/standin/${session}</Arn>` +
        `<AssumedRoleId>${accessKeyId}:${session}</AssumedRoleId></AssumedRoleUser>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId>` +
        `</ResponseMetadata></AssumeRoleResponse>`,
    );
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, key] of this.temporary) if (key.expiresAt <= now) this.temporary.delete(id);
  }

  private fail(request: IncomingMessage, response: ServerResponse, error: unknown): void {
    const s3 =
      error instanceof S3Error ? error : new S3Error(500, 'InternalError', 'internal error');
    if (!(error instanceof S3Error)) {
      this.settings.logger?.error({ err: error }, 's3 stand-in request failed');
    } else if (s3.status === 403) {
      this.settings.logger?.info(
        { method: request.method, path: (request.url ?? '').split('?')[0], code: s3.code },
        's3 stand-in refused a request',
      );
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    request.resume();
    const isSts = request.method === 'POST';
    const body = isSts
      ? `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>${s3.code}</Code><Message>${escapeXml(s3.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
      : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${s3.code}</Code><Message>${escapeXml(s3.message)}</Message></Error>`;
    response.writeHead(s3.status, { 'Content-Type': 'application/xml', Connection: 'close' });
    response.end(request.method === 'HEAD' ? undefined : body);
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new S3Error(400, 'InvalidURI', 'the path is not valid percent-encoding');
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
