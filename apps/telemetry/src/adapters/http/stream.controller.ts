import { randomBytes } from 'node:crypto';
import {
  BadRequestException,
  Controller,
  Get,
  Header,
  HttpCode,
  HttpException,
  Inject,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { bearerToken, LOGGER, Public, RequestOrganization } from '@dock/platform';
import { LIVE_EVENTS } from '../../domain/live-update';
import { StreamSlots } from '../../domain/stream-slots';
import { issueStreamTicket } from '../../domain/stream-ticket';
import type { TelemetryConfig } from '../../telemetry.config';
import type { TelemetryMetrics } from '../../telemetry-metrics';
import { LIVE_BROADCASTER, TELEMETRY_CONFIG, TELEMETRY_METRICS } from '../../telemetry.tokens';
import type { LiveBroadcaster, LiveFilter } from '../live/live-broadcaster';
import { SseConnection } from '../live/sse-connection';
import { ERROR_SCHEMA, STREAM_TICKET_SCHEMA, STREAM_TICKET_SECURITY } from './openapi-schemas';
import { dockSn } from './request-params';
import { StreamAuthGuard, streamClientOf } from './stream-auth.guard';

/** How long an ended stream (overflow, shutdown) may take to drain before its socket is cut. */
const CLOSE_GRACE_MS = 5_000;

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-store, no-transform',
  Connection: 'keep-alive',
  // nginx (and ingress-nginx) would otherwise buffer the stream.
  'X-Accel-Buffering': 'no',
};

const JSON_ERROR = { 'application/json': { schema: ERROR_SCHEMA } };

export interface StreamTicketView {
  ticket: string;
  expiresAt: string;
}

@ApiTags('live')
@Controller('stream')
export class StreamController {
  private readonly logger: Logger;
  /** Signs tickets when AUTH_DISABLED lets a request in without a token (any ticket passes). */
  private readonly unauthenticatedKey = randomBytes(32).toString('base64url');
  private readonly slots: StreamSlots;

  constructor(
    @Inject(LIVE_BROADCASTER) private readonly broadcaster: LiveBroadcaster,
    @Inject(TELEMETRY_CONFIG) private readonly config: TelemetryConfig,
    @Inject(TELEMETRY_METRICS) private readonly metrics: TelemetryMetrics,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'live-stream' });
    this.slots = new StreamSlots({
      perClient: config.TELEMETRY_STREAM_MAX_PER_TOKEN,
      total: config.TELEMETRY_STREAM_MAX_CONNECTIONS,
    });
  }

  @Post('tickets')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'A short-lived ticket that opens the live stream from a browser',
    description:
      "A browser's EventSource cannot send an Authorization header. Call this with the bearer " +
      'token (from your back end or with fetch), then open `GET /stream?ticket=<ticket>`. The ' +
      'ticket opens only the live stream, any number of times (EventSource reconnects with ' +
      'the same URL) until it expires (TELEMETRY_STREAM_TICKET_TTL_MS, 60 s by default); ' +
      'afterwards the stream answers 401 and the client gets a new ticket. Tickets are ' +
      'signed with the token that asked for them: removing that token from API_TOKENS ' +
      'invalidates them. A ticket opens the stream of the organization the request acted in ' +
      "(the token's; an admin token's X-Organization-Id), and no other. The API token itself " +
      'is never accepted in a URL.',
  })
  @ApiCreatedResponse({
    description: 'the ticket and when it expires',
    schema: STREAM_TICKET_SCHEMA,
  })
  @ApiUnauthorizedResponse({ description: 'missing or unknown bearer token', schema: ERROR_SCHEMA })
  issueTicket(
    @Req() request: Request,
    @RequestOrganization() organizationId: string,
  ): StreamTicketView {
    const token = bearerToken(request.headers.authorization) ?? this.unauthenticatedKey;
    // The ticket opens the stream of the organization that asked for it, and no other.
    const issued = issueStreamTicket(
      token,
      Date.now(),
      this.config.TELEMETRY_STREAM_TICKET_TTL_MS,
      undefined,
      organizationId,
    );
    return { ticket: issued.ticket, expiresAt: new Date(issued.expiresAt).toISOString() };
  }

  /**
   * Written to the response directly rather than with Nest's @Sse(): that one queues the events
   * of a client that does not read in its own buffer and, past a fixed 4M characters, drops the
   * connection without a word to the client or a metric. Here the bound is
   * TELEMETRY_SSE_MAX_BUFFERED_BYTES, the client is told (`overflow`) and it is counted and
   * logged (see SseConnection). Authentication: StreamAuthGuard (header or ticket).
   */
  @Get()
  @Public()
  @UseGuards(StreamAuthGuard)
  @ApiSecurity(STREAM_TICKET_SECURITY)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Live updates (Server-Sent Events) of one dock or of the whole fleet',
    description:
      'Events: `progress` (a progress report), `rth` (a new planned return path as GeoJSON, ' +
      'null when the return ended), `exit_homing`, `ready`, `topology`, `hms` (an HMS alert ' +
      'raised or cleared, from the alerts service), `media` (a media file recorded or a ' +
      "flight's media status changed, from the media service), and `heartbeat` every " +
      'TELEMETRY_SSE_HEARTBEAT_MS while idle. `data` is JSON with the same fields as the REST ' +
      'views. The stream starts with a `retry:` hint (TELEMETRY_SSE_RETRY_MS). A client that ' +
      'does not read fast enough (more than TELEMETRY_SSE_MAX_BUFFERED_BYTES waiting for it) ' +
      'gets a last `overflow` event (`reason`, `message`) and the stream ends: reconnect and ' +
      're-read the current state from the REST API.\n\n' +
      'Only updates of the organization the request acts in are streamed: with the header, ' +
      "the bearer token's; with a ticket, the one it was issued for.\n\n" +
      'Authentication: `Authorization: Bearer <token>` (fetch-based SSE clients), or, for a ' +
      "browser's EventSource, which cannot set headers, `?ticket=` with a ticket from " +
      '`POST /stream/tickets`. The API token itself is not accepted in the URL.',
  })
  @ApiQuery({ name: 'dock', required: false, description: 'only this dock (SN); default: all' })
  @ApiQuery({
    name: 'events',
    required: false,
    description: `comma-separated subset of ${LIVE_EVENTS.join(', ')}; default: all`,
  })
  @ApiQuery({
    name: 'ticket',
    type: String,
    required: false,
    description:
      'a stream ticket from POST /stream/tickets, for clients that cannot send the ' +
      'Authorization header (EventSource); ignored when the header is sent',
  })
  @ApiOkResponse({
    description: 'the event stream, until the client leaves, overflows or the service stops',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({
    description: 'a malformed dock SN or an unknown event name',
    content: JSON_ERROR,
  })
  @ApiUnauthorizedResponse({
    description:
      'no credential, an unknown bearer token, or a stream ticket that is malformed, expired ' +
      'or signed with a token no longer accepted; nothing is streamed',
    content: JSON_ERROR,
  })
  @ApiResponse({
    status: 429,
    description:
      'too many open streams: this token (and the tickets it signed) holds ' +
      'TELEMETRY_STREAM_MAX_PER_TOKEN, or the service TELEMETRY_STREAM_MAX_CONNECTIONS; ' +
      'retry after Retry-After seconds or close a stream',
    content: JSON_ERROR,
  })
  stream(
    @Req() request: Request,
    @Res() response: Response,
    @RequestOrganization() organizationId: string,
    @Query('dock') dock?: string,
    @Query('events') events?: string,
  ): void {
    // Bad parameters answer 400 here, before any header is sent.
    const liveFilter: LiveFilter = {
      organizationId,
      dock: dock === undefined || dock === '' ? null : dockSn(dock, 'dock'),
      events: parseEvents(events),
    };
    if (request.method === 'HEAD' || request.socket.destroyed) {
      response.writeHead(200, SSE_HEADERS);
      response.end();
      return;
    }
    const slot = this.slots.acquire(streamClientOf(request));
    if (!slot.ok) {
      this.metrics.liveRefused.inc({ scope: slot.scope });
      response.setHeader(
        'Retry-After',
        String(Math.ceil(this.config.TELEMETRY_SSE_RETRY_MS / 1000)),
      );
      throw new HttpException(
        {
          statusCode: 429,
          code: 'too_many_streams',
          message:
            slot.scope === 'client'
              ? `this token already holds ${slot.limit} live streams (TELEMETRY_STREAM_MAX_PER_TOKEN)`
              : `the service holds ${slot.limit} live streams, its maximum (TELEMETRY_STREAM_MAX_CONNECTIONS)`,
        },
        429,
      );
    }
    response.once('close', () => slot.release());
    response.writeHead(200, SSE_HEADERS);
    request.socket.setNoDelay(true);
    request.socket.setKeepAlive(true);
    request.socket.setTimeout(0);
    response.flushHeaders();
    new SseConnection(
      response,
      this.broadcaster.stream(liveFilter),
      {
        heartbeatMs: this.config.TELEMETRY_SSE_HEARTBEAT_MS,
        retryMs: this.config.TELEMETRY_SSE_RETRY_MS,
        maxBufferedBytes: this.config.TELEMETRY_SSE_MAX_BUFFERED_BYTES,
        closeGraceMs: CLOSE_GRACE_MS,
      },
      ({ bufferedBytes, limitBytes }) => {
        this.metrics.liveOverflows.inc();
        // One line per dropped client, never per update. Never the URL: it may hold a ticket.
        this.logger.warn(
          {
            dock: liveFilter.dock,
            events: liveFilter.events ? [...liveFilter.events] : null,
            remoteAddress: request.socket.remoteAddress,
            bufferedBytes,
            limitBytes,
          },
          'live-stream client not reading: sent overflow and disconnected ' +
            '(TELEMETRY_SSE_MAX_BUFFERED_BYTES)',
        );
      },
    ).open();
  }
}

function parseEvents(value: string | undefined): ReadonlySet<string> | null {
  if (!value) return null;
  if (typeof value !== 'string') throw new BadRequestException('events: give the list once');
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(LIVE_EVENTS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new BadRequestException(
      `events: unknown ${unknown.join(', ')}; use ${LIVE_EVENTS.join(', ')}`,
    );
  }
  return new Set(names);
}
