import { createHash } from 'node:crypto';
import type { HmsAlertRecord, TaskEventRecord, UplinkRecord } from '@dock/contracts';
import type { WebhookEvent, WebhookEventType } from './event-types';
import type { ThrottleMark } from './progress-throttle';

/** Where a consumed record was: its stable identity when it carries no id of its own. */
export interface SourcePosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export function positionId(position: SourcePosition): string {
  return createHash('sha256')
    .update(`${position.topic}/${position.partition}/${position.offset}`)
    .digest('hex')
    .slice(0, 32);
}

function event(
  type: WebhookEventType,
  id: string,
  organizationId: string,
  gatewaySn: string,
  flightId: string | null,
  occurredAt: number,
  data: Record<string, unknown>,
): WebhookEvent {
  return {
    id,
    type,
    organizationId,
    gatewaySn,
    flightId,
    orderingKey: flightId ? `flight:${flightId}` : `dock:${gatewaySn}`,
    occurredAt,
    data,
  };
}

export function taskStateEvent(record: TaskEventRecord, organizationId: string): WebhookEvent {
  return event(
    'task.state_changed',
    createHash('sha256')
      .update(`task/${record.flightId}/${record.version}`)
      .digest('hex')
      .slice(0, 32),
    organizationId,
    record.gatewaySn,
    record.flightId,
    record.at,
    {
      state: record.state,
      previousState: record.previousState,
      cause: record.cause,
      resultCode: record.resultCode,
      resultMeaning: record.resultMeaning ?? null,
      waylineId: record.waylineId,
      taskType: record.taskType,
      version: record.version,
    },
  );
}

export function hmsAlertEvent(record: HmsAlertRecord): WebhookEvent {
  const { schemaVersion: _version, id: _id, type: _type, organizationId: _org, ...data } = record;
  return event(
    record.type === 'raised' ? 'hms.alert_raised' : 'hms.alert_cleared',
    record.id,
    record.organizationId,
    record.gatewaySn,
    record.flightId,
    record.at,
    data,
  );
}

export type UplinkMapping =
  | { kind: 'event'; event: WebhookEvent }
  /** A progress report: delivered only if the per-flight throttle lets it through. */
  | { kind: 'progress'; event: WebhookEvent; flightId: string; mark: ThrottleMark }
  | { kind: 'media'; events: WebhookEvent[] }
  | { kind: 'none' };

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : null;
const int = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) ? value : null;

/**
 * The webhook events of one dock event (dock.uplink.events). Unknown methods (hms is handled
 * through alerts.hms) give none. Reads defensively: data of unmodelled methods (file upload)
 * is exactly what the dock sent.
 */
export function uplinkEvents(
  uplink: UplinkRecord,
  position: SourcePosition,
  organizationId: string,
): UplinkMapping {
  const id = positionId(position);
  const at = uplink.timestamp ?? uplink.receivedAt;
  const data = record(uplink.data);
  switch (uplink.method) {
    case 'flighttask_progress': {
      const output = record(data.output);
      const ext = record(output.ext);
      const flightId = text(ext.flight_id);
      const status = text(output.status) ?? 'unknown';
      const progress = record(output.progress);
      const built = event('flight.progress', id, organizationId, uplink.gatewaySn, flightId, at, {
        status,
        result: int(data.result),
        currentStep: int(progress.current_step),
        percent: typeof progress.percent === 'number' ? progress.percent : null,
        currentWaypointIndex: int(ext.current_waypoint_index),
        mediaCount: int(ext.media_count),
        trackId: text(ext.track_id),
      });
      if (!flightId) return { kind: 'event', event: built };
      return { kind: 'progress', event: built, flightId, mark: { at, status } };
    }
    case 'return_home_info': {
      const flightId = text(data.flight_id);
      return {
        kind: 'event',
        event: event(
          'flight.return_home_path',
          id,
          organizationId,
          uplink.gatewaySn,
          flightId,
          at,
          {
            plannedPathPoints: Array.isArray(data.planned_path_points)
              ? data.planned_path_points
              : [],
            lastPointType: int(data.last_point_type),
          },
        ),
      };
    }
    case 'device_exit_homing_notify':
      return {
        kind: 'event',
        event: event('flight.exit_homing', id, organizationId, uplink.gatewaySn, null, at, {
          action: int(data.action),
          reason: int(data.reason),
          sn: text(data.sn),
        }),
      };
    case 'file_upload_callback':
      return { kind: 'media', events: mediaEvents(data, id, organizationId, uplink.gatewaySn, at) };
    default:
      return { kind: 'none' };
  }
}

/** media.file_received for the file; media.flight_complete too when it was the flight's last. */
function mediaEvents(
  data: Record<string, unknown>,
  id: string,
  organizationId: string,
  gatewaySn: string,
  at: number,
): WebhookEvent[] {
  const file = record(data.file);
  const ext = record(file.ext);
  const task = record(data.flight_task);
  const flightId = text(ext.flight_id);
  const uploaded = int(task.uploaded_file_count);
  const expected = int(task.expected_file_count);
  const received = event('media.file_received', id, organizationId, gatewaySn, flightId, at, {
    objectKey: text(file.object_key),
    name: text(file.name),
    path: text(file.path),
    isOriginal: typeof ext.is_original === 'boolean' ? ext.is_original : null,
    uploadedFileCount: uploaded,
    expectedFileCount: expected,
    result: int(data.result),
  });
  if (uploaded === null || expected === null || expected <= 0 || uploaded < expected) {
    return [received];
  }
  const complete = event(
    'media.flight_complete',
    `${id}-complete`,
    organizationId,
    gatewaySn,
    flightId,
    at,
    {
      fileCount: expected,
    },
  );
  return [received, complete];
}

/** device.online / device.offline from the registry's presence events. */
export function presenceEvent(
  presence: { gatewaySn: string; sn: string; online: boolean; at: number; id: string },
  organizationId: string,
): WebhookEvent {
  return event(
    presence.online ? 'device.online' : 'device.offline',
    presence.id,
    organizationId,
    presence.gatewaySn,
    null,
    presence.at,
    { sn: presence.sn, online: presence.online },
  );
}
