import { RecentKeys } from './recent-keys';

describe('RecentKeys', () => {
  it('reports repeats within the window and forgets the oldest beyond it', () => {
    const keys = new RecentKeys(2);
    expect(keys.firstSighting('a')).toBe(true);
    expect(keys.firstSighting('a')).toBe(false);
    expect(keys.firstSighting('b')).toBe(true);
    expect(keys.firstSighting('c')).toBe(true); // evicts a
    expect(keys.size).toBe(2);
    expect(keys.firstSighting('a')).toBe(true);
    expect(keys.firstSighting('c')).toBe(false);
  });
});
