import { loadConfig } from '@dock/platform';
import { standaloneConfigSchema } from '../standalone.config';
import { consoleConfigJson, consoleCsp, isTileUrl } from './console-site';

describe('operator console settings', () => {
  it('accepts XYZ tile URLs over http(s) only', () => {
    expect(isTileUrl('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe(true);
    expect(isTileUrl('http://tiles.local:8080/osm/{z}/{x}/{y}.png?key=1')).toBe(true);
    expect(isTileUrl('https://tile.openstreetmap.org/{z}/{x}.png')).toBe(false);
    expect(isTileUrl('ftp://tiles.local/{z}/{x}/{y}.png')).toBe(false);
    expect(isTileUrl('javascript:alert(1)//{z}{x}{y}')).toBe(false);
    expect(isTileUrl('not a url {z}{x}{y}')).toBe(false);
  });

  it('refuses a bad CONSOLE_TILE_URL at start, naming it; empty means tiles off', () => {
    expect(() =>
      loadConfig(standaloneConfigSchema, { CONSOLE_TILE_URL: 'https://tiles.example/{z}.png' }),
    ).toThrow(/CONSOLE_TILE_URL/);
    expect(loadConfig(standaloneConfigSchema, { CONSOLE_TILE_URL: '' }).CONSOLE_TILE_URL).toBe(
      undefined,
    );
  });

  it('lets the page load images from the tile server only when one is set', () => {
    const off = consoleCsp(null);
    expect(off).toContain("script-src 'self'");
    expect(off).toContain("img-src 'self' data:;");
    expect(off).toContain("connect-src 'self'");
    expect(off).toContain("frame-ancestors 'none'");
    expect(off).not.toContain('unsafe-inline');
    const on = consoleCsp('https://tiles.example:8443/osm/{z}/{x}/{y}.png');
    expect(on).toContain("img-src 'self' data: https://tiles.example:8443;");
  });

  it('tells the page to call its own origin and which tiles to use', () => {
    expect(JSON.parse(consoleConfigJson({ dir: '/x', tileUrl: null }))).toEqual({
      api: { mission: '', telemetry: '', file: '', registry: '', alerts: '' },
      tileUrl: null,
      organizationId: null,
    });
  });
});
