import { LAST_POINT_TYPE, PathPoint } from '@dock/protocol';

/** RFC 7946 position: longitude, latitude, then height (the dock's ellipsoidal height, m). */
export type Position = [number, number, number];

export type TrajectoryGeometry =
  | { readonly type: 'LineString'; readonly coordinates: Position[] }
  | { readonly type: 'Point'; readonly coordinates: Position };

export interface TrajectoryFeature {
  readonly type: 'Feature';
  readonly geometry: TrajectoryGeometry;
  readonly properties: {
    readonly flightId: string | null;
    readonly gatewaySn: string;
    readonly tid: string;
    readonly lastPointType: number | null;
    readonly lastPointTypeLabel: string | null;
    /**
     * last_point_type 0: the path ends above the return point, so a map may draw a connector
     * from its last point down to the dock; 1: it does not (no-fly zone or obstacle), so it
     * must not. null: the dock did not say.
     */
    readonly connectsToReturnPoint: boolean | null;
    readonly pointCount: number;
    readonly reportedAt: string;
  };
}

export interface TrajectorySource {
  readonly flightId: string | null;
  readonly gatewaySn: string;
  readonly tid: string;
  readonly lastPointType: number | null;
  readonly points: readonly PathPoint[];
  readonly eventAt: number;
}

/**
 * A planned return path as a GeoJSON Feature a map library draws as is. A LineString needs
 * two positions (RFC 7946 3.1.4), so a one-point plan becomes a Point; an empty plan has no
 * geometry to draw and gives null (the API answers 404 for it).
 */
export function trajectoryFeature(source: TrajectorySource): TrajectoryFeature | null {
  const coordinates = source.points.map((p): Position => [p.longitude, p.latitude, p.height]);
  if (coordinates.length === 0) return null;
  const geometry: TrajectoryGeometry =
    coordinates.length === 1
      ? { type: 'Point', coordinates: coordinates[0] }
      : { type: 'LineString', coordinates };
  const type = source.lastPointType;
  return {
    type: 'Feature',
    geometry,
    properties: {
      flightId: source.flightId,
      gatewaySn: source.gatewaySn,
      tid: source.tid,
      lastPointType: type,
      lastPointTypeLabel: type === null ? null : LAST_POINT_TYPE.labelFor(type),
      connectsToReturnPoint: type === null ? null : type === 0,
      pointCount: coordinates.length,
      reportedAt: new Date(source.eventAt).toISOString(),
    },
  };
}

export interface TrajectoryCollection {
  readonly type: 'FeatureCollection';
  readonly features: TrajectoryFeature[];
}

/** Every drawable push, oldest first (empty pushes, sent as the return ends, are left out). */
export function trajectoryCollection(sources: readonly TrajectorySource[]): TrajectoryCollection {
  const features: TrajectoryFeature[] = [];
  for (const source of sources) {
    const feature = trajectoryFeature(source);
    if (feature) features.push(feature);
  }
  return { type: 'FeatureCollection', features };
}
