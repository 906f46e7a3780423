import { svg } from '../dom';
import { fitView, LonLat, tilesFor, tileUrl, toScreen } from './projection';

export interface MapMarker {
  readonly id: string;
  readonly position: LonLat;
  readonly label: string;
  /** CSS class: online, offline, flying... */
  readonly kind: string;
}

export interface MapPath {
  readonly id: string;
  readonly points: readonly LonLat[];
  readonly label: string;
}

const WIDTH = 800;
const HEIGHT = 420;

/**
 * The map as an SVG: docks as labelled markers, return paths as lines, fitted to what there
 * is. Tiles (an XYZ URL from config.json) go underneath when configured; without them the
 * plain background still shows where things are relative to each other, and a caption says
 * the tiles are off.
 */
export function renderMap(options: {
  title: string;
  markers: readonly MapMarker[];
  paths: readonly MapPath[];
  tileTemplate: string | null;
}): SVGSVGElement {
  const points: LonLat[] = [
    ...options.markers.map((m) => m.position),
    ...options.paths.flatMap((p) => p.points),
  ];
  const view = fitView(points, WIDTH, HEIGHT, 48);
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    class: 'map',
    role: 'img',
    'aria-label': options.title,
  });
  root.append(svg('title', {}, options.title));
  root.append(svg('rect', { x: 0, y: 0, width: WIDTH, height: HEIGHT, class: 'map-bg' }));
  if (options.tileTemplate) {
    const tiles = svg('g', { class: 'map-tiles', 'aria-hidden': 'true' });
    for (const tile of tilesFor(view)) {
      tiles.append(
        svg('image', {
          href: tileUrl(options.tileTemplate, tile),
          x: tile.left,
          y: tile.top,
          width: 256,
          height: 256,
        }),
      );
    }
    root.append(tiles);
  } else {
    root.append(grid());
  }
  for (const path of options.paths) {
    const screen = path.points.map((p) => toScreen(view, p));
    if (screen.length === 0) continue;
    root.append(
      svg(
        'polyline',
        {
          class: 'map-path',
          points: screen.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '),
          'data-path': path.id,
        },
        svg('title', {}, path.label),
      ),
    );
    const [sx, sy] = screen[0];
    root.append(svg('circle', { class: 'map-path-start', cx: sx, cy: sy, r: 5 }));
  }
  for (const marker of options.markers) {
    const [x, y] = toScreen(view, marker.position);
    root.append(
      svg(
        'g',
        { class: `map-marker ${marker.kind}`, 'data-marker': marker.id },
        svg('title', {}, marker.label),
        svg('circle', { cx: x, cy: y, r: 9 }),
        svg('text', { x: x + 13, y: y + 5 }, marker.id),
      ),
    );
  }
  if (points.length === 0) {
    root.append(
      svg('text', { x: WIDTH / 2, y: HEIGHT / 2, class: 'map-empty' }, 'no positions reported yet'),
    );
  }
  return root;
}

function grid(): SVGGElement {
  const group = svg('g', { class: 'map-grid', 'aria-hidden': 'true' });
  for (let x = 0; x <= WIDTH; x += 80) {
    group.append(svg('line', { x1: x, y1: 0, x2: x, y2: HEIGHT }));
  }
  for (let y = 0; y <= HEIGHT; y += 80) {
    group.append(svg('line', { x1: 0, y1: y, x2: WIDTH, y2: y }));
  }
  return group;
}

export function tilesCaption(tileTemplate: string | null): string {
  return tileTemplate
    ? 'Map tiles on (CONSOLE_TILE_URL).'
    : 'Map tiles off: docks and paths are drawn on a plain background (set CONSOLE_TILE_URL for tiles).';
}
