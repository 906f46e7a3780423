import type { TaskState } from '@dock/contracts';
import { taskStates } from '@dock/contracts';
import type { FlightBinding } from '../../domain/flights/flight-binding';
import type { Wayline } from '../../domain/waylines/wayline';
import type { FlightBindingEntity } from './flight-binding.entity';
import type { WaylineEntity } from './wayline.entity';

export function toWayline(row: WaylineEntity): Wayline {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    fingerprint: row.fingerprint,
    sizeBytes: row.sizeBytes,
    storageKey: row.blob.storageKey,
    createdAt: row.createdAt,
    metadata: {
      droneModelKey: row.droneModelKey,
      payloadModelKeys: row.payloadModelKeys,
      templateType: row.templateType,
      waypointCount: row.waypointCount,
      waylineCount: row.waylineCount,
      distanceMeters: row.distanceMeters,
      durationSeconds: row.durationSeconds,
      author: row.author,
      createdAtMs: row.kmlCreatedAtMs,
      updatedAtMs: row.kmlUpdatedAtMs,
    },
  };
}

export function toFlightBinding(row: FlightBindingEntity): FlightBinding {
  return {
    flightId: row.flightId,
    organizationId: row.organizationId,
    waylineId: row.waylineId,
    gatewaySn: row.gatewaySn,
    taskState: asTaskState(row.taskState),
    taskVersion: row.taskVersion,
    boundAt: row.boundAt,
    updatedAt: row.updatedAt,
  };
}

function asTaskState(value: string | null): TaskState | null {
  return value !== null && (taskStates as readonly string[]).includes(value)
    ? (value as TaskState)
    : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Wayline ids are UUIDs; anything else cannot name a row (and would make PostgreSQL throw). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
