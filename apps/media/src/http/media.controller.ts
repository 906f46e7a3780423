import { Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import {
  ApiSignedDownload,
  BearerController,
  ErrorDto,
  LOGGER,
  parseLimit,
  refusal,
  RequestOrganization,
  required,
  sendDownload,
  SignedDownloadController,
  signedUrlRefusal,
  UUID_PATTERN,
} from '@dock/platform';
import { MediaError, MediaService } from '../application/media-service';
import type { MediaStore } from '../application/ports';
import type { S3MediaStore } from '../adapters/storage/s3-media-store';
import { DOWNLOAD_LINKS, MEDIA_SERVICE, MEDIA_STORE, OBJECT_STORE } from '../media.tokens';
import type { MediaDownloadLinks } from './download-links';
import {
  DockMediaDto,
  FlightMediaDto,
  PrioritizationDto,
  toFileDto,
  toFlightDto,
  toPrioritizationDto,
} from './media.dto';

@BearerController({
  tag: 'media',
  responses: [{ status: 400, description: 'Invalid parameter (named)', type: ErrorDto }],
})
export class MediaController {
  constructor(
    @Inject(MEDIA_STORE) private readonly store: MediaStore,
    @Inject(MEDIA_SERVICE) private readonly media: MediaService,
    @Inject(DOWNLOAD_LINKS) private readonly links: MediaDownloadLinks,
  ) {}

  @Get('flights/:flightId/media')
  @ApiOperation({
    summary:
      "A flight's media: expected against received, status, each file with a signed download URL",
  })
  @ApiOkResponse({ type: FlightMediaDto })
  @ApiResponse({ status: 404, description: 'No media known for this flight', type: ErrorDto })
  async flight(
    @Param('flightId') flightId: string,
    @RequestOrganization() organizationId: string,
  ): Promise<FlightMediaDto> {
    const flight = await this.store.flight(organizationId, flightId);
    if (!flight) throw refusal(404, 'flight_not_found', `no media known for flight ${flightId}`);
    const files = await this.store.filesOfFlight(organizationId, flightId);
    return toFlightDto(
      flight,
      files.map((file) => toFileDto(file, this.links.issue(file.id))),
    );
  }

  @Get('docks/:gatewaySn/media')
  @ApiOperation({ summary: "A dock's recent media, newest first" })
  @ApiQuery({ name: 'limit', required: false, description: '1..500, default 100' })
  @ApiOkResponse({ type: DockMediaDto })
  async dock(
    @Param('gatewaySn') gatewaySn: string,
    @Query('limit') limit: string | undefined,
    @RequestOrganization() organizationId: string,
  ): Promise<DockMediaDto> {
    const count = required(parseLimit(typeof limit === 'string' ? limit : undefined, 100, 500));
    const files = await this.store.filesOfDock(organizationId, gatewaySn, count);
    return { gatewaySn, items: files.map((file) => toFileDto(file, this.links.issue(file.id))) };
  }

  @Post('flights/:flightId/media/prioritize')
  @HttpCode(202)
  @ApiOperation({
    summary:
      "Ask the flight's dock to upload this flight's media first (upload_flighttask_media_prioritize)",
  })
  @ApiAcceptedResponse({ type: PrioritizationDto })
  @ApiResponse({ status: 404, description: 'No media known for this flight', type: ErrorDto })
  @ApiResponse({ status: 409, description: 'Every file is uploaded already', type: ErrorDto })
  @ApiResponse({
    status: 422,
    description: 'The flight id cannot be sent to a dock',
    type: ErrorDto,
  })
  async prioritize(
    @Param('flightId') flightId: string,
    @RequestOrganization() organizationId: string,
  ): Promise<PrioritizationDto> {
    try {
      return toPrioritizationDto(await this.media.prioritize(organizationId, flightId));
    } catch (error) {
      if (error instanceof MediaError) throw refusal(error.status, error.code, error.message);
      throw error;
    }
  }

  @Get('media/prioritizations/:correlationId')
  @ApiOperation({
    summary: "A prioritize call and the dock's answer (sent, replied, timeout, invalid)",
  })
  @ApiOkResponse({ type: PrioritizationDto })
  @ApiResponse({ status: 404, description: 'No such call', type: ErrorDto })
  async prioritization(
    @Param('correlationId') correlationId: string,
    @RequestOrganization() organizationId: string,
  ): Promise<PrioritizationDto> {
    const found = UUID_PATTERN.test(correlationId)
      ? await this.store.prioritization(organizationId, correlationId)
      : null;
    if (!found) throw refusal(404, 'prioritization_not_found', 'no such prioritize call');
    return toPrioritizationDto(found);
  }
}

/**
 * The signed media download URL: its own HMAC signature and expiry (no bearer token), Range
 * and HEAD supported; the bytes stream from the object store.
 */
@SignedDownloadController({ path: 'media/downloads', tag: 'media' })
export class MediaDownloadsController {
  constructor(
    @Inject(MEDIA_STORE) private readonly store: MediaStore,
    @Inject(OBJECT_STORE) private readonly objects: S3MediaStore,
    @Inject(DOWNLOAD_LINKS) private readonly links: MediaDownloadLinks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':fileId')
  @ApiSignedDownload({
    summary: 'Download a media file through a signed URL (also HEAD and Range)',
    produces: 'application/octet-stream',
    ok: 'The file',
    notFound: 'No such file, or not in storage',
  })
  async download(
    @Param('fileId') fileId: string,
    @Query('expires') expires: string | undefined,
    @Query('signature') signature: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const check = this.links.verify(fileId, expires, signature);
    if (check !== 'valid') {
      throw signedUrlRefusal(check, {
        expired: 'this download URL has expired; list the media again',
        invalid: 'this download URL is not valid',
      });
    }
    const file = UUID_PATTERN.test(fileId) ? await this.store.file(fileId) : null;
    const stored = file ? await this.objects.stat(file.objectKey) : null;
    if (!file || !stored) throw refusal(404, 'media_not_found', 'the file is not in storage');
    await sendDownload(
      request,
      response,
      {
        sizeBytes: stored.sizeBytes,
        etag: stored.md5 ? `"${stored.md5}"` : undefined,
        contentType: stored.contentType ?? 'application/octet-stream',
        fileName: file.name,
        open: (range) => this.objects.read(file.objectKey, range),
      },
      {
        interrupted: (error) =>
          this.logger.debug({ err: error, fileId }, 'media download interrupted'),
      },
    );
  }
}
