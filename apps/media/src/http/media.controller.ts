import {
  Controller,
  Get,
  HttpCode,
  HttpException,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import {
  ErrorDto,
  LOGGER,
  parseLimit,
  Public,
  RequestOrganization,
  required,
} from '@dock/platform';
import { parseRange } from '@dock/url-signing';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function refusal(status: number, code: string, message: string): HttpException {
  return new HttpException({ statusCode: status, code, message }, status);
}

@ApiTags('media')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or unknown bearer token', type: ErrorDto })
@ApiResponse({ status: 400, description: 'Invalid parameter (named)', type: ErrorDto })
@Controller()
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
    const found = UUID.test(correlationId)
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
@ApiTags('media')
@Public()
@Controller('media/downloads')
export class MediaDownloadsController {
  constructor(
    @Inject(MEDIA_STORE) private readonly store: MediaStore,
    @Inject(OBJECT_STORE) private readonly objects: S3MediaStore,
    @Inject(DOWNLOAD_LINKS) private readonly links: MediaDownloadLinks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':fileId')
  @ApiOperation({
    summary: 'Download a media file through a signed URL (also HEAD and Range)',
    security: [],
  })
  @ApiQuery({ name: 'expires', description: 'Expiry, Unix seconds' })
  @ApiQuery({ name: 'signature', description: 'HMAC-SHA256 (base64url)' })
  @ApiProduces('application/octet-stream')
  @ApiResponse({ status: 200, description: 'The file' })
  @ApiResponse({ status: 206, description: 'The requested byte range' })
  @ApiResponse({ status: 403, description: 'Signature invalid or URL expired', type: ErrorDto })
  @ApiResponse({ status: 404, description: 'No such file, or not in storage', type: ErrorDto })
  @ApiResponse({ status: 416, description: 'Range past the end of the file' })
  async download(
    @Param('fileId') fileId: string,
    @Query('expires') expires: string | undefined,
    @Query('signature') signature: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const check = this.links.verify(
      fileId,
      typeof expires === 'string' ? expires : undefined,
      typeof signature === 'string' ? signature : undefined,
    );
    if (check !== 'valid') {
      throw refusal(
        403,
        check === 'expired' ? 'url_expired' : 'invalid_signature',
        check === 'expired'
          ? 'this download URL has expired; list the media again'
          : 'this download URL is not valid',
      );
    }
    const file = UUID.test(fileId) ? await this.store.file(fileId) : null;
    const stored = file ? await this.objects.stat(file.objectKey) : null;
    if (!file || !stored) throw refusal(404, 'media_not_found', 'the file is not in storage');
    const size = stored.sizeBytes;
    const range = parseRange(request.headers.range, size);
    if (range.kind === 'unsatisfiable') {
      response.status(416).setHeader('Content-Range', `bytes */${size}`);
      response.end();
      return;
    }
    const body =
      request.method === 'HEAD'
        ? undefined
        : await this.objects.read(
            file.objectKey,
            range.kind === 'partial' ? range.range : undefined,
          );
    if (stored.md5) response.setHeader('ETag', `"${stored.md5}"`);
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('Content-Type', stored.contentType ?? 'application/octet-stream');
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="${file.name.replace(/["\\\r\n]/g, '_')}"`,
    );
    response.setHeader('Cache-Control', 'private, no-transform');
    if (range.kind === 'partial') {
      response.status(206);
      response.setHeader('Content-Range', `bytes ${range.range.start}-${range.range.end}/${size}`);
      response.setHeader('Content-Length', String(range.range.end - range.range.start + 1));
    } else {
      response.status(200);
      response.setHeader('Content-Length', String(size));
    }
    if (!body) {
      response.end();
      return;
    }
    try {
      await pipeline(body, response);
    } catch (error) {
      this.logger.debug({ err: error, fileId }, 'media download interrupted');
    }
  }
}
