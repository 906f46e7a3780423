import { Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
} from '@nestjs/swagger';
import { rm } from 'node:fs/promises';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  BearerController,
  ErrorDto,
  LOGGER,
  offsetPage,
  pageQuery,
  parseWith,
  RequestOrganization,
  SERVICE_LIFECYCLE,
  ServiceLifecycle,
} from '@dock/platform';
import { receiveUpload, ReceivedUpload, UploadError } from '../adapters/http/multipart-upload';
import type { UploadStaging } from '../adapters/http/upload-staging';
import type { DownloadLinks } from '../domain/downloads/download-links';
import { KmzRejectedError } from '../domain/kmz/kmz-rejection';
import type { WaylineLibrary } from '../domain/waylines/wayline-library';
import type { FileConfig } from '../file.config';
import type { FileMetrics } from '../file-metrics';
import {
  DOWNLOAD_LINKS,
  FILE_CONFIG,
  FILE_METRICS,
  UPLOAD_STAGING,
  WAYLINE_LIBRARY,
} from '../file.tokens';
import { DownloadUrlDto, UploadWaylineDto, WaylineDto, WaylinePageDto } from './wayline.dto';

const pageSchema = z.object({ ...pageQuery(200, 50) });

/** The KMZ library: upload, list, read, delete, and download URLs. */
@BearerController({ path: 'waylines', tag: 'waylines' })
export class WaylinesController {
  constructor(
    @Inject(WAYLINE_LIBRARY) private readonly library: WaylineLibrary,
    @Inject(DOWNLOAD_LINKS) private readonly links: DownloadLinks,
    @Inject(FILE_CONFIG) private readonly config: FileConfig,
    @Inject(FILE_METRICS) private readonly metrics: FileMetrics,
    @Inject(SERVICE_LIFECYCLE) private readonly lifecycle: ServiceLifecycle,
    @Inject(UPLOAD_STAGING) private readonly staging: UploadStaging,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Upload a wayline KMZ',
    description:
      'Multipart upload, streamed to disk. The KMZ must be a zip (deflated or stored entries) ' +
      'holding wpmz/waylines.wpml, with at least one wayline of waypoints, as well-formed XML ' +
      '(wpmz/template.kml beside it is optional); zip bombs, unsafe entry names, non-zip data ' +
      'and archives not read within FILE_KMZ_INSPECT_TIMEOUT_MS are refused with 422 and ' +
      'nothing is stored. Identical bytes share one blob.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadWaylineDto })
  @ApiCreatedResponse({ type: WaylineDto })
  @ApiResponse({ status: 400, description: 'Malformed form, or no file', type: ErrorDto })
  @ApiResponse({ status: 413, description: 'File over FILE_MAX_UPLOAD_BYTES', type: ErrorDto })
  @ApiResponse({ status: 415, description: 'Not multipart/form-data', type: ErrorDto })
  @ApiResponse({
    status: 422,
    description:
      'Not an acceptable KMZ; code: empty_file, not_a_zip, corrupt_archive, too_many_entries, ' +
      'too_large_uncompressed, compression_ratio, unsafe_entry_name, encrypted_entry, ' +
      'duplicate_entry, missing_wayline_files, malformed_xml, not_a_wayline, empty_wayline, ' +
      'inspection_timeout',
    type: ErrorDto,
  })
  upload(
    @Req() request: Request,
    @RequestOrganization() organizationId: string,
  ): Promise<WaylineDto> {
    return this.lifecycle.work.track(async () => {
      let received: ReceivedUpload | undefined;
      try {
        received = await receiveUpload(request, {
          maxBytes: this.config.FILE_MAX_UPLOAD_BYTES,
          tempDir: this.staging.dir,
          fileField: 'file',
        });
        const wayline = await this.library.add({
          organizationId,
          path: received.path,
          sizeBytes: received.sizeBytes,
          md5Hex: received.md5Hex,
          name: displayName(received),
        });
        this.metrics.uploads.inc({ outcome: 'accepted' });
        this.logger.info(
          { waylineId: wayline.id, fingerprint: wayline.fingerprint, sizeBytes: wayline.sizeBytes },
          'wayline uploaded',
        );
        return WaylineDto.of(wayline);
      } catch (error) {
        if (error instanceof KmzRejectedError || error instanceof UploadError) {
          this.metrics.uploads.inc({ outcome: error.code });
          this.logger.info({ code: error.code, reason: error.message }, 'upload refused');
        }
        throw error;
      } finally {
        if (received) await rm(received.path, { force: true });
      }
    });
  }

  @Get()
  @ApiOperation({ summary: 'List waylines, newest first' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  })
  @ApiQuery({
    name: 'offset',
    required: false,
    schema: { type: 'integer', minimum: 0, default: 0 },
  })
  @ApiOkResponse({ type: WaylinePageDto })
  async list(
    @Query() query: Record<string, string>,
    @RequestOrganization() organizationId: string,
  ): Promise<WaylinePageDto> {
    const paging = parseWith(pageSchema, query);
    return offsetPage(await this.library.list(organizationId, paging), WaylineDto.of, paging);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One wayline with its metadata and fingerprint' })
  @ApiOkResponse({ type: WaylineDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async get(
    @Param('id') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<WaylineDto> {
    return WaylineDto.of(await this.library.get(id, organizationId));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a wayline',
    description: 'Refused with 409 while a task that is not final uses it.',
  })
  @ApiNoContentResponse()
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiResponse({ status: 409, description: 'Used by a task that is not final', type: ErrorDto })
  async remove(
    @Param('id') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<void> {
    await this.library.remove(id, organizationId);
    this.logger.info({ waylineId: id }, 'wayline deleted');
  }

  @Get(':id/download-url')
  @ApiOperation({
    summary: 'A fresh expiring download URL and the fingerprint',
    description: 'Each call signs a new URL valid for FILE_URL_TTL_SECONDS.',
  })
  @ApiOkResponse({ type: DownloadUrlDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async downloadUrl(
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
    @RequestOrganization() organizationId: string,
  ): Promise<DownloadUrlDto> {
    const link = await this.links.issue(await this.library.get(id, organizationId));
    response.setHeader('Cache-Control', 'no-store');
    return {
      url: link.url,
      fingerprint: link.fingerprint,
      expiresAt: link.expiresAt.toISOString(),
    };
  }
}

function displayName(upload: ReceivedUpload): string {
  const given = upload.fields.name?.trim();
  if (given) return given.slice(0, 200);
  const fromFile = upload.fileName?.replace(/\.kmz$/i, '').trim();
  return fromFile ? fromFile.slice(0, 200) : 'wayline';
}
