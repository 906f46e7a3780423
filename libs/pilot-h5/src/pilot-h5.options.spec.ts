import { normalizePathPrefix } from './pilot-h5.options';

describe('normalizePathPrefix', () => {
  it('gives one leading slash and no trailing one', () => {
    expect(normalizePathPrefix(undefined)).toBe('/pilot');
    expect(normalizePathPrefix('pilot/')).toBe('/pilot');
    expect(normalizePathPrefix('/rc/h5')).toBe('/rc/h5');
  });

  it('refuses paths that are not plain segments', () => {
    for (const bad of ['/', '', '/a b', '/a/../b/"x"', '/a//b', '/:id'])
      expect(() => normalizePathPrefix(bad)).toThrow(/must be a path like \/pilot/);
  });
});
