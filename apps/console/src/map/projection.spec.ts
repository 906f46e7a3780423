import { centred, fitView, tilesFor, tileUrl, toScreen, worldPixel } from './projection';

describe('web mercator projection', () => {
  it('puts null island in the middle of the world and the antimeridian at its edges', () => {
    expect(worldPixel([0, 0], 0)).toEqual([128, 128]);
    expect(worldPixel([-180, 0], 1)[0]).toBe(0);
    expect(worldPixel([180, 0], 1)[0]).toBe(512);
    // North is up: a higher latitude has a smaller y.
    expect(worldPixel([0, 45], 3)[1]).toBeLessThan(worldPixel([0, 0], 3)[1]);
  });

  it('fits a dock and its return path inside the view with the padding kept', () => {
    const points = [
      [121.6634755, 29.9235956],
      [121.6671, 29.9262],
    ] as const;
    const view = fitView(points, 640, 400, 32);
    for (const point of points) {
      const [x, y] = toScreen(view, point);
      expect(x).toBeGreaterThanOrEqual(32);
      expect(x).toBeLessThanOrEqual(640 - 32);
      expect(y).toBeGreaterThanOrEqual(32);
      expect(y).toBeLessThanOrEqual(400 - 32);
    }
    // One zoom closer would not fit.
    const closer = centred([121.66529, 29.92489], view.zoom + 1, 640, 400);
    const [a, b] = points.map((p) => toScreen(closer, p));
    const fitsCloser = Math.abs(b[0] - a[0]) <= 576 && Math.abs(b[1] - a[1]) <= 336;
    expect(fitsCloser).toBe(false);
  });

  it('shows one dock at the closest zoom, and the world when there is nothing', () => {
    expect(fitView([[10, 50]], 300, 200).zoom).toBe(19);
    expect(toScreen(fitView([[10, 50]], 300, 200), [10, 50])).toEqual([150, 100]);
    expect(fitView([], 300, 200).zoom).toBe(1);
  });

  it('lists the tiles under the view, wrapping x and clipping y', () => {
    const view = { zoom: 1, originX: -100, originY: -50, width: 400, height: 600 };
    const tiles = tilesFor(view);
    expect(tiles.map((t) => `${t.x}/${t.y}`)).toEqual(['1/0', '0/0', '1/0', '1/1', '0/1', '1/1']);
    expect(tiles[0]).toMatchObject({ left: -156, top: 50 });
    expect(tileUrl('https://t.example/{z}/{x}/{y}.png', tiles[1])).toBe(
      'https://t.example/1/0/0.png',
    );
  });
});
