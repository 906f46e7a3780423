import { ApiError, homeOf, pathOf } from './api-client';
import type { TrajectoryFeature } from './api-types';

const feature = (type: string, coordinates: unknown): TrajectoryFeature => ({
  type: 'Feature',
  geometry: { type, coordinates },
  properties: {},
});

describe('api client helpers', () => {
  it("reads a return path's points and takes its end as the dock's home", () => {
    const line = feature('LineString', [
      [121.667, 29.926, 120],
      [121.665, 29.924, 100],
      [121.6634755, 29.9235956, 41.66],
    ]);
    expect(pathOf(line)).toHaveLength(3);
    expect(homeOf(line)).toEqual([121.6634755, 29.9235956]);
    expect(pathOf(feature('Point', [1, 2, 3]))).toEqual([[1, 2]]);
    expect(pathOf(feature('LineString', [[1], ['a', 2], [3, 4]]))).toEqual([[3, 4]]);
    expect(homeOf(feature('LineString', []))).toBeNull();
    expect(pathOf(null)).toEqual([]);
  });

  it('describes a refusal with its code and the fields named', () => {
    const error = new ApiError(400, 'invalid_request', 'invalid task', [
      { field: 'rthAltitude', problem: 'must be 20..1500 m' },
    ]);
    expect(error.describe()).toBe(
      'invalid task (invalid_request) - rthAltitude: must be 20..1500 m',
    );
  });
});
