import { trajectoryCollection, trajectoryFeature } from './rth-geojson';

const source = {
  flightId: 'F1',
  gatewaySn: 'DOCK1',
  tid: 't1',
  lastPointType: 0,
  eventAt: Date.UTC(2026, 4, 21, 8, 28, 3),
  points: [
    { latitude: 29.9235, longitude: 121.6634, height: 56.6 },
    { latitude: 29.9243, longitude: 121.6647, height: 91.6 },
  ],
};

describe('trajectoryFeature', () => {
  it('is a LineString of [longitude, latitude, height] with the last point type', () => {
    expect(trajectoryFeature(source)).toEqual({
      type: 'Feature',
      geometry: {
        type: 'LineString',
        coordinates: [
          [121.6634, 29.9235, 56.6],
          [121.6647, 29.9243, 91.6],
        ],
      },
      properties: {
        flightId: 'F1',
        gatewaySn: 'DOCK1',
        tid: 't1',
        lastPointType: 0,
        lastPointTypeLabel: 'Last trajectory point is above the return point',
        connectsToReturnPoint: true,
        pointCount: 2,
        reportedAt: '2026-05-21T08:28:03.000Z',
      },
    });
  });

  it('tells maps not to connect a path that ends away from the return point', () => {
    const feature = trajectoryFeature({ ...source, lastPointType: 1 });
    expect(feature?.properties).toMatchObject({ lastPointType: 1, connectsToReturnPoint: false });
    const unknown = trajectoryFeature({ ...source, lastPointType: 7 });
    expect(unknown?.properties.lastPointTypeLabel).toBe('unknown (7)');
  });

  it('makes a Point of a one-point plan and nothing of an empty one', () => {
    expect(trajectoryFeature({ ...source, points: source.points.slice(0, 1) })?.geometry).toEqual({
      type: 'Point',
      coordinates: [121.6634, 29.9235, 56.6],
    });
    expect(trajectoryFeature({ ...source, points: [], lastPointType: null })).toBeNull();
  });

  it('collects only drawable pushes', () => {
    const collection = trajectoryCollection([source, { ...source, points: [] }]);
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features).toHaveLength(1);
  });
});
