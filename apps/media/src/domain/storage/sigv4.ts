import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * AWS Signature Version 4, the verifying side: what an S3-compatible endpoint (the embedded
 * stand-in) computes to check that a request was signed with a secret it knows. Header auth
 * (`Authorization: AWS4-HMAC-SHA256 ...`) and presigned URLs (`X-Amz-Signature` in the query)
 * are both read. Pure: the caller hands in the request's parts and a secret lookup.
 */

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface SignedRequest {
  method: string;
  /** The raw request target as received: encoded path and query. */
  url: string;
  /** Lower-case header names (Node's IncomingMessage.headers). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface SignatureParts {
  accessKeyId: string;
  /** yyyymmdd */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** x-amz-date (yyyymmddThhmmssZ). */
  amzDate: string;
  /** The hash the signature covers: a hex SHA-256, UNSIGNED-PAYLOAD, or (non-S3) the body's. */
  payloadHash: string | undefined;
  /** x-amz-security-token, when a temporary credential signed. */
  securityToken: string | undefined;
  /** Presigned: seconds from amzDate the URL is valid for. */
  expiresSeconds: number | undefined;
  presigned: boolean;
}

export type ParsedSignature = { ok: true; parts: SignatureParts } | { ok: false; problem: string };

const AUTH_HEADER =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const CREDENTIAL = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;
const AMZ_DATE = /^\d{8}T\d{6}Z$/;

function header(request: SignedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Splits the raw query into decoded pairs (in order). */
export function queryPairs(url: string): [string, string][] {
  const at = url.indexOf('?');
  if (at < 0) return [];
  const pairs: [string, string][] = [];
  for (const part of url.slice(at + 1).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([safeDecode(key), safeDecode(value)]);
  }
  return pairs;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Reads who signed and how; says what is missing or malformed. */
export function parseSignature(request: SignedRequest): ParsedSignature {
  const authorization = header(request, 'authorization');
  if (authorization !== undefined) {
    const match = AUTH_HEADER.exec(authorization.trim());
    if (!match) return { ok: false, problem: 'Authorization is not an AWS4-HMAC-SHA256 signature' };
    const amzDate = header(request, 'x-amz-date');
    if (!amzDate || !AMZ_DATE.test(amzDate)) {
      return { ok: false, problem: 'x-amz-date missing or malformed' };
    }
    return {
      ok: true,
      parts: {
        accessKeyId: match[1],
        date: match[2],
        region: match[3],
        service: match[4],
        signedHeaders: match[5].split(';'),
        signature: match[6],
        amzDate,
        payloadHash: header(request, 'x-amz-content-sha256'),
        securityToken: header(request, 'x-amz-security-token'),
        expiresSeconds: undefined,
        presigned: false,
      },
    };
  }
  const query = new Map(queryPairs(request.url));
  if (query.get('X-Amz-Algorithm') === undefined) {
    return {
      ok: false,
      problem: 'the request is not signed (no Authorization, no X-Amz-Signature)',
    };
  }
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    return { ok: false, problem: 'X-Amz-Algorithm must be AWS4-HMAC-SHA256' };
  }
  const credential = CREDENTIAL.exec(query.get('X-Amz-Credential') ?? '');
  const amzDate = query.get('X-Amz-Date') ?? '';
  const signature = query.get('X-Amz-Signature') ?? '';
  const signedHeaders = query.get('X-Amz-SignedHeaders') ?? '';
  const expires = query.get('X-Amz-Expires') ?? '';
  if (!credential || !AMZ_DATE.test(amzDate) || !/^[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, problem: 'presigned URL parameters missing or malformed' };
  }
  if (!/^[a-z0-9;-]+$/.test(signedHeaders) || !/^\d{1,6}$/.test(expires)) {
    return { ok: false, problem: 'presigned URL parameters missing or malformed' };
  }
  return {
    ok: true,
    parts: {
      accessKeyId: credential[1],
      date: credential[2],
      region: credential[3],
      service: credential[4],
      signedHeaders: signedHeaders.split(';'),
      signature,
      amzDate,
      payloadHash: UNSIGNED_PAYLOAD,
      securityToken: query.get('X-Amz-Security-Token'),
      expiresSeconds: Number(expires),
      presigned: true,
    },
  };
}

/** The canonical request of SigV4 (the path is used as sent: S3 does not normalise it). */
export function canonicalRequest(
  request: SignedRequest,
  parts: SignatureParts,
  payloadHash: string,
): string {
  const at = request.url.indexOf('?');
  const path = at < 0 ? request.url : request.url.slice(0, at);
  const query = queryPairs(request.url)
    .filter(([key]) => !(parts.presigned && key === 'X-Amz-Signature'))
    .map(([key, value]) => [uriEncode(key), uriEncode(value)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const headers = parts.signedHeaders
    .map((name) => `${name}:${(header(request, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  return [
    request.method,
    path === '' ? '/' : path,
    query,
    headers,
    parts.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The expected signature for `parts` under `secret`. */
export function expectedSignature(
  request: SignedRequest,
  parts: SignatureParts,
  secret: string,
  payloadHash: string,
): string {
  const scope = `${parts.date}/${parts.region}/${parts.service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    parts.amzDate,
    scope,
    sha256Hex(canonicalRequest(request, parts, payloadHash)),
  ].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${secret}`, parts.date), parts.region), parts.service),
    'aws4_request',
  );
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function signaturesMatch(expected: string, presented: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** When the signature stops being acceptable (ms): 15 min skew for headers, X-Amz-Expires for URLs. */
export function signatureWindow(parts: SignatureParts): { notBefore: number; notAfter: number } {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(parts.amzDate);
  const at = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : Number.NaN;
  const skew = 15 * 60_000;
  return parts.presigned
    ? { notBefore: at - skew, notAfter: at + (parts.expiresSeconds ?? 0) * 1000 }
    : { notBefore: at - skew, notAfter: at + skew };
}
