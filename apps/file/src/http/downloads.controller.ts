import { Controller, Get, HttpException, Inject, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ErrorDto, LOGGER, Public } from '@dock/platform';
import { parseRange } from '../domain/downloads/byte-range';
import type { DownloadSignature } from '../domain/downloads/download-signature';
import type { BlobStorage } from '../domain/waylines/blob-storage';
import type { WaylineRepository } from '../domain/waylines/wayline-repository';
import type { FileMetrics } from '../file-metrics';
import { BLOB_STORAGE, DOWNLOAD_SIGNATURE, FILE_METRICS, WAYLINE_REPOSITORY } from '../file.tokens';

/**
 * The URL docks download waylines from. It carries its own HMAC signature and expiry, so it
 * needs no bearer token; anything tampered with or expired is 403, an unknown file 404, and
 * neither sends a byte of any file. Supports HEAD and single byte ranges (resumed downloads).
 */
@ApiTags('downloads')
@Public()
@Controller('downloads')
export class DownloadsController {
  constructor(
    @Inject(DOWNLOAD_SIGNATURE) private readonly signature: DownloadSignature,
    @Inject(WAYLINE_REPOSITORY) private readonly waylines: WaylineRepository,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @Inject(FILE_METRICS) private readonly metrics: FileMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':fileName')
  @ApiOperation({
    summary: 'Download a wayline KMZ through a signed URL (also HEAD and Range)',
    security: [],
  })
  @ApiParam({ name: 'fileName', description: '{waylineId}.kmz' })
  @ApiQuery({ name: 'expires', description: 'Expiry, Unix seconds' })
  @ApiQuery({ name: 'signature', description: 'HMAC-SHA256 (base64url)' })
  @ApiProduces('application/vnd.google-earth.kmz')
  @ApiResponse({ status: 200, description: 'The KMZ; ETag and Content-MD5 carry the MD5' })
  @ApiResponse({ status: 206, description: 'The requested byte range' })
  @ApiResponse({ status: 403, description: 'Signature invalid or URL expired', type: ErrorDto })
  @ApiResponse({ status: 404, description: 'No such wayline', type: ErrorDto })
  @ApiResponse({ status: 416, description: 'Range past the end of the file' })
  async download(
    @Param('fileName') fileName: string,
    @Query('expires') expires: string | undefined,
    @Query('signature') signature: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const waylineId = fileName.endsWith('.kmz') ? fileName.slice(0, -4) : fileName;
    const check = this.signature.verify(
      waylineId,
      typeof expires === 'string' ? expires : undefined,
      typeof signature === 'string' ? signature : undefined,
    );
    if (check !== 'valid') {
      this.metrics.downloads.inc({ outcome: check });
      throw refusal(
        403,
        check === 'expired' ? 'url_expired' : 'invalid_signature',
        check === 'expired'
          ? 'this download URL has expired; ask for a new one'
          : 'this download URL is not valid (bad or missing signature)',
      );
    }
    const wayline = await this.waylines.findById(waylineId);
    if (!wayline) {
      this.metrics.downloads.inc({ outcome: 'not_found' });
      throw refusal(404, 'wayline_not_found', `wayline ${waylineId} does not exist (any more)`);
    }

    const size = wayline.sizeBytes;
    const etag = `"${wayline.fingerprint}"`;
    const ifRange = request.headers['if-range'];
    const range =
      ifRange && ifRange !== etag
        ? { kind: 'full' as const }
        : parseRange(request.headers.range, size);
    if (range.kind === 'unsatisfiable') {
      this.metrics.downloads.inc({ outcome: 'unsatisfiable' });
      response.status(416).setHeader('Content-Range', `bytes */${size}`);
      response.end();
      return;
    }
    // Opened before any header is set: a storage failure must not leave a half-made response.
    const body =
      request.method === 'HEAD'
        ? undefined
        : await this.storage.read(
            wayline.storageKey,
            range.kind === 'partial' ? range.range : undefined,
          );

    response.setHeader('ETag', etag);
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('Content-Type', 'application/vnd.google-earth.kmz');
    response.setHeader('Content-Disposition', `attachment; filename="${wayline.id}.kmz"`);
    response.setHeader('Last-Modified', wayline.createdAt.toUTCString());
    response.setHeader('Cache-Control', 'private, no-transform');
    if (range.kind === 'partial') {
      response.status(206);
      response.setHeader('Content-Range', `bytes ${range.range.start}-${range.range.end}/${size}`);
      response.setHeader('Content-Length', String(range.range.end - range.range.start + 1));
    } else {
      response.status(200);
      response.setHeader('Content-Length', String(size));
      // Content-MD5 is the digest of the body sent, so it goes on full responses only.
      response.setHeader('Content-MD5', Buffer.from(wayline.fingerprint, 'hex').toString('base64'));
    }
    if (!body) {
      this.metrics.downloads.inc({ outcome: 'head' });
      response.end();
      return;
    }
    this.metrics.downloads.inc({ outcome: range.kind });
    try {
      await pipeline(body, response);
    } catch (error) {
      // The dock went away mid-download; it resumes with a Range request.
      this.logger.debug({ err: error, waylineId }, 'download interrupted');
    }
  }
}

function refusal(status: number, code: string, message: string): HttpException {
  return new HttpException({ statusCode: status, code, message }, status);
}
