import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { type ByteRange, parseRange } from '@dock/url-signing';

/** One stored file, as a download route serves it. */
export interface DownloadableFile {
  sizeBytes: number;
  /** The quoted strong validator, when the store has one; an If-Range naming another is ignored. */
  etag?: string;
  contentType: string;
  /** Offered in Content-Disposition (quotes, backslashes and line breaks become `_`). */
  fileName: string;
  lastModified?: Date;
  /** The base64 MD5 of the whole file: sent on full responses only (it digests the body sent). */
  contentMd5?: string;
  /** The bytes: the whole file, or one range of it. */
  open(range: ByteRange | undefined): Promise<Readable>;
}

/** What a download answered: 200, 206, a HEAD (no body) or 416. */
export type DownloadOutcome = 'full' | 'partial' | 'head' | 'unsatisfiable';

export interface DownloadHooks {
  /** Called once the answer is decided, before any byte of the body is sent. */
  decided?(outcome: DownloadOutcome): void;
  /** The client went away mid-body (a dock resumes with a Range request). */
  interrupted(error: unknown): void;
}

/**
 * Answers a GET or HEAD of `file`: the whole file, the one range asked for (a dock resumes an
 * interrupted download where it stopped), or 416.
 */
export async function sendDownload(
  request: Request,
  response: Response,
  file: DownloadableFile,
  hooks: DownloadHooks,
): Promise<void> {
  const size = file.sizeBytes;
  const ifRange = request.headers['if-range'];
  // If-Range: the range holds only for the version the client has; otherwise the whole file.
  const range =
    ifRange && ifRange !== file.etag
      ? { kind: 'full' as const }
      : parseRange(request.headers.range, size);
  if (range.kind === 'unsatisfiable') {
    hooks.decided?.('unsatisfiable');
    response.status(416).setHeader('Content-Range', `bytes */${size}`);
    response.end();
    return;
  }
  // Opened before any header is set: a storage failure must not leave a half-made response.
  const body =
    request.method === 'HEAD'
      ? undefined
      : await file.open(range.kind === 'partial' ? range.range : undefined);

  if (file.etag !== undefined) response.setHeader('ETag', file.etag);
  response.setHeader('Accept-Ranges', 'bytes');
  response.setHeader('Content-Type', file.contentType);
  response.setHeader(
    'Content-Disposition',
    `attachment; filename="${file.fileName.replace(/["\\\r\n]/g, '_')}"`,
  );
  if (file.lastModified) response.setHeader('Last-Modified', file.lastModified.toUTCString());
  response.setHeader('Cache-Control', 'private, no-transform');
  if (range.kind === 'partial') {
    response.status(206);
    response.setHeader('Content-Range', `bytes ${range.range.start}-${range.range.end}/${size}`);
    response.setHeader('Content-Length', String(range.range.end - range.range.start + 1));
  } else {
    response.status(200);
    response.setHeader('Content-Length', String(size));
    if (file.contentMd5 !== undefined) response.setHeader('Content-MD5', file.contentMd5);
  }
  if (!body) {
    hooks.decided?.('head');
    response.end();
    return;
  }
  hooks.decided?.(range.kind);
  try {
    await pipeline(body, response);
  } catch (error) {
    hooks.interrupted(error);
  }
}
