import { BadRequestException, Controller, Inject, MessageEvent, Query, Sse } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { LIVE_EVENTS } from '../../domain/live-update';
import type { TelemetryConfig } from '../../telemetry.config';
import { LIVE_BROADCASTER, TELEMETRY_CONFIG } from '../../telemetry.tokens';
import type { LiveBroadcaster } from '../live/live-broadcaster';
import { ERROR_SCHEMA } from './openapi-schemas';
import { dockSn } from './request-params';

@ApiTags('live')
@ApiUnauthorizedResponse({ description: 'missing or unknown bearer token', schema: ERROR_SCHEMA })
@Controller()
export class StreamController {
  constructor(
    @Inject(LIVE_BROADCASTER) private readonly broadcaster: LiveBroadcaster,
    @Inject(TELEMETRY_CONFIG) private readonly config: TelemetryConfig,
  ) {}

  @Sse('stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: 'Live updates (Server-Sent Events) of one dock or of the whole fleet',
    description:
      'Events: `progress` (a progress report), `rth` (a new planned return path as GeoJSON, ' +
      'null when the return ended), `exit_homing`, `ready`, `topology`, and `heartbeat` every ' +
      'TELEMETRY_SSE_HEARTBEAT_MS. `data` is JSON with the same fields as the REST views. ' +
      'Send the bearer token in the Authorization header (use a fetch-based SSE client: ' +
      "browsers' EventSource cannot set headers).",
  })
  @ApiQuery({ name: 'dock', required: false, description: 'only this dock (SN); default: all' })
  @ApiQuery({
    name: 'events',
    required: false,
    description: `comma-separated subset of ${LIVE_EVENTS.join(', ')}; default: all`,
  })
  @ApiOkResponse({ description: 'text/event-stream', schema: { type: 'string' } })
  stream(@Query('dock') dock?: string, @Query('events') events?: string): Observable<MessageEvent> {
    return this.broadcaster.stream(
      { dock: dock ? dockSn(dock, 'dock') : null, events: parseEvents(events) },
      this.config.TELEMETRY_SSE_HEARTBEAT_MS,
    );
  }
}

function parseEvents(value: string | undefined): ReadonlySet<string> | null {
  if (!value) return null;
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
