/**
 * Web Mercator (EPSG:3857) in pixels, the projection XYZ map tiles use: at zoom z the world is
 * 256 * 2^z pixels square. Pure functions, so the map can draw docks and paths on a plain
 * background and put tiles under them only when a tile URL is configured.
 */
export const TILE_SIZE = 256;
const MAX_LATITUDE = 85.05112878;

export type LonLat = readonly [number, number];

export interface MapView {
  readonly zoom: number;
  /** World pixel at the view's top-left corner. */
  readonly originX: number;
  readonly originY: number;
  readonly width: number;
  readonly height: number;
}

export function worldPixel([lon, lat]: LonLat, zoom: number): [number, number] {
  const size = TILE_SIZE * 2 ** zoom;
  const clamped = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat));
  const sin = Math.sin((clamped * Math.PI) / 180);
  const x = ((lon + 180) / 360) * size;
  const y = (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size;
  return [x, y];
}

/** The largest whole zoom (up to maxZoom) showing every point with `padding` px to spare. */
export function fitView(
  points: readonly LonLat[],
  width: number,
  height: number,
  padding = 32,
  maxZoom = 19,
): MapView {
  if (points.length === 0) return centred([0, 20], 1, width, height);
  const lons = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  const west = Math.min(...lons);
  const east = Math.max(...lons);
  const south = Math.min(...lats);
  const north = Math.max(...lats);
  let zoom = maxZoom;
  for (; zoom > 0; zoom--) {
    const [x0, y0] = worldPixel([west, north], zoom);
    const [x1, y1] = worldPixel([east, south], zoom);
    if (x1 - x0 <= width - 2 * padding && y1 - y0 <= height - 2 * padding) break;
  }
  return centred([(west + east) / 2, (south + north) / 2], zoom, width, height);
}

export function centred(center: LonLat, zoom: number, width: number, height: number): MapView {
  const [x, y] = worldPixel(center, zoom);
  return { zoom, originX: x - width / 2, originY: y - height / 2, width, height };
}

/** Where a point falls in the view, in pixels from its top-left corner. */
export function toScreen(view: MapView, point: LonLat): [number, number] {
  const [x, y] = worldPixel(point, view.zoom);
  return [x - view.originX, y - view.originY];
}

export interface Tile {
  readonly z: number;
  readonly x: number;
  readonly y: number;
  /** Top-left corner in the view (pixels). */
  readonly left: number;
  readonly top: number;
}

/** The tiles covering the view (x wraps around the antimeridian, y is clipped). */
export function tilesFor(view: MapView): Tile[] {
  const count = 2 ** view.zoom;
  const tiles: Tile[] = [];
  const firstX = Math.floor(view.originX / TILE_SIZE);
  const lastX = Math.floor((view.originX + view.width - 1) / TILE_SIZE);
  const firstY = Math.max(0, Math.floor(view.originY / TILE_SIZE));
  const lastY = Math.min(count - 1, Math.floor((view.originY + view.height - 1) / TILE_SIZE));
  for (let ty = firstY; ty <= lastY; ty++) {
    for (let tx = firstX; tx <= lastX; tx++) {
      tiles.push({
        z: view.zoom,
        x: ((tx % count) + count) % count,
        y: ty,
        left: tx * TILE_SIZE - view.originX,
        top: ty * TILE_SIZE - view.originY,
      });
    }
  }
  return tiles;
}

export function tileUrl(template: string, tile: Tile): string {
  return template
    .replace('{z}', String(tile.z))
    .replace('{x}', String(tile.x))
    .replace('{y}', String(tile.y));
}
