import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import {
  ApiSignedDownload,
  LOGGER,
  refusal,
  sendDownload,
  SignedDownloadController,
  signedUrlRefusal,
} from '@dock/platform';
import type { DownloadSignature } from '../domain/downloads/download-signature';
import type { BlobStorage } from '../domain/waylines/blob-storage';
import type { WaylineRepository } from '../domain/waylines/wayline-repository';
import type { FileMetrics } from '../file-metrics';
import { BLOB_STORAGE, DOWNLOAD_SIGNATURE, FILE_METRICS, WAYLINE_REPOSITORY } from '../file.tokens';

const KMZ = 'application/vnd.google-earth.kmz';

/**
 * The URL docks download waylines from. It carries its own HMAC signature and expiry, so it
 * needs no bearer token; anything tampered with or expired is 403, an unknown file 404, and
 * neither sends a byte of any file. Supports HEAD and single byte ranges (resumed downloads).
 */
@SignedDownloadController({ path: 'downloads', tag: 'downloads' })
export class DownloadsController {
  constructor(
    @Inject(DOWNLOAD_SIGNATURE) private readonly signature: DownloadSignature,
    @Inject(WAYLINE_REPOSITORY) private readonly waylines: WaylineRepository,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @Inject(FILE_METRICS) private readonly metrics: FileMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':fileName')
  @ApiParam({ name: 'fileName', description: '{waylineId}.kmz' })
  @ApiSignedDownload({
    summary: 'Download a wayline KMZ through a signed URL (also HEAD and Range)',
    produces: KMZ,
    ok: 'The KMZ; ETag and Content-MD5 carry the MD5',
    notFound: 'No such wayline',
  })
  async download(
    @Param('fileName') fileName: string,
    @Query('expires') expires: string | undefined,
    @Query('signature') signature: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const waylineId = fileName.endsWith('.kmz') ? fileName.slice(0, -4) : fileName;
    const check = this.signature.verify(waylineId, expires, signature);
    if (check !== 'valid') {
      this.metrics.downloads.inc({ outcome: check });
      throw signedUrlRefusal(check, {
        expired: 'this download URL has expired; ask for a new one',
        invalid: 'this download URL is not valid (bad or missing signature)',
      });
    }
    const wayline = await this.waylines.findById(waylineId);
    if (!wayline) {
      this.metrics.downloads.inc({ outcome: 'not_found' });
      throw refusal(404, 'wayline_not_found', `wayline ${waylineId} does not exist (any more)`);
    }
    await sendDownload(
      request,
      response,
      {
        sizeBytes: wayline.sizeBytes,
        etag: `"${wayline.fingerprint}"`,
        contentType: KMZ,
        fileName: `${wayline.id}.kmz`,
        lastModified: wayline.createdAt,
        contentMd5: Buffer.from(wayline.fingerprint, 'hex').toString('base64'),
        open: (range) => this.storage.read(wayline.storageKey, range),
      },
      {
        decided: (outcome) => this.metrics.downloads.inc({ outcome }),
        interrupted: (error) =>
          this.logger.debug({ err: error, waylineId }, 'download interrupted'),
      },
    );
  }
}
