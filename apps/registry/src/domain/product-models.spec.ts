import { modelName, normaliseProductKey, productKeyOf } from './product-models';

describe('product keys', () => {
  it('names the docks and their aircraft', () => {
    expect(modelName('3-1-0')).toBe('DJI Dock');
    expect(modelName('3-2-0')).toBe('DJI Dock 2');
    expect(modelName('3-3-0')).toBe('DJI Dock 3');
    expect(modelName('0-67-0')).toBe('Matrice 30');
    expect(modelName('0-91-1')).toBe('Matrice 3TD');
    expect(modelName('0-100-0')).toBe('Matrice 4D');
  });

  it('keeps unknown keys as keys (no name) rather than failing', () => {
    expect(modelName('3-9-0')).toBeUndefined();
    expect(normaliseProductKey('3-9-0')).toBe('3-9-0');
    expect(modelName(null)).toBeUndefined();
  });

  it('builds the key from update_topo fields given as numbers or numeric strings', () => {
    expect(productKeyOf({ domain: '3', type: 3, sub_type: 0 })).toBe('3-3-0');
    expect(productKeyOf({ domain: 0, type: '91', sub_type: '1' })).toBe('0-91-1');
  });

  it('gives no key when a part is missing or not a whole number', () => {
    expect(productKeyOf({ type: 2, sub_type: 0 })).toBeUndefined();
    expect(productKeyOf({ domain: '3', type: 'x', sub_type: 0 })).toBeUndefined();
    expect(productKeyOf({ domain: 3, type: 1.5, sub_type: 0 })).toBeUndefined();
    expect(normaliseProductKey('dock')).toBeUndefined();
  });
});
