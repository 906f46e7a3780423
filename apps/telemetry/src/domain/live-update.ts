import type { DeviceEventRecord, HmsAlertRecord, MediaRecord } from '@dock/contracts';
import { trajectoryFeature, TrajectoryFeature } from './rth-geojson';
import type { TelemetryItem } from './telemetry-rows';
import {
  exitHomingView,
  ExitHomingView,
  progressView,
  ProgressView,
  readyView,
  ReadyView,
} from './views';

export interface TopoView {
  readonly gatewaySn: string;
  readonly reportedAt: string;
  readonly dockOnline: boolean;
  readonly aircraftOnline: boolean;
  readonly aircraftSn: string | null;
}

/** One message of the live stream; `event` is the SSE event name. */
export type LiveUpdate =
  | { readonly event: 'progress'; readonly gatewaySn: string; readonly data: ProgressView }
  /** data: the new planned path as GeoJSON; null when the dock sent an empty plan (RTH ended). */
  | {
      readonly event: 'rth';
      readonly gatewaySn: string;
      readonly data: {
        flightId: string | null;
        reportedAt: string;
        trajectory: TrajectoryFeature | null;
      };
    }
  | { readonly event: 'exit_homing'; readonly gatewaySn: string; readonly data: ExitHomingView }
  | { readonly event: 'ready'; readonly gatewaySn: string; readonly data: ReadyView }
  | { readonly event: 'topology'; readonly gatewaySn: string; readonly data: TopoView }
  /** data: a registry.device-events record (presence or topology) as the registry wrote it. */
  | { readonly event: 'device'; readonly gatewaySn: string; readonly data: DeviceEventRecord }
  /** An HMS alert raised or cleared (alerts.hms, written by the alerts service), as recorded. */
  | { readonly event: 'hms'; readonly gatewaySn: string; readonly data: HmsAlertRecord }
  /** A media file recorded or a flight's media status changed (media.records, the media service). */
  | { readonly event: 'media'; readonly gatewaySn: string; readonly data: MediaRecord };

export const LIVE_EVENTS = [
  'progress',
  'rth',
  'exit_homing',
  'ready',
  'topology',
  'device',
  'hms',
  'media',
] as const;

/**
 * The registry's presence and topology changes on the live stream, under the dock they belong
 * to (so the dock filter applies). Binding changes are an organization matter: not carried.
 */
export function liveUpdateForDevice(record: DeviceEventRecord): LiveUpdate | undefined {
  if (record.kind === 'binding') return undefined;
  return { event: 'device', gatewaySn: record.gatewaySn, data: record };
}

/**
 * The stream message of a stored item. A dock's position is not streamed (undefined): a dock
 * reports it every second or so and does not move; the fleet reads it from GET /docks.
 */
export function liveUpdateFor(item: TelemetryItem): LiveUpdate | undefined {
  const gatewaySn = item.row.gatewaySn;
  switch (item.kind) {
    case 'progress':
      return { event: 'progress', gatewaySn, data: progressView(item.row) };
    case 'rth':
      return {
        event: 'rth',
        gatewaySn,
        data: {
          flightId: item.row.flightId,
          reportedAt: new Date(item.row.eventAt).toISOString(),
          trajectory: trajectoryFeature(item.row),
        },
      };
    case 'exit_homing':
      return { event: 'exit_homing', gatewaySn, data: exitHomingView(item.row) };
    case 'ready':
      return { event: 'ready', gatewaySn, data: readyView(item.row) };
    case 'topo':
      return {
        event: 'topology',
        gatewaySn,
        data: {
          gatewaySn,
          reportedAt: new Date(item.row.eventAt).toISOString(),
          dockOnline: item.row.dockOnline,
          aircraftOnline: item.row.aircraftOnline,
          aircraftSn: item.row.aircraftSn,
        },
      };
    case 'position':
      return undefined;
  }
}
