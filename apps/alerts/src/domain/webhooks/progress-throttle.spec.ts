import { passesThrottle } from './progress-throttle';

describe('passesThrottle', () => {
  it('lets the first through, then one per interval, and every status change', () => {
    expect(passesThrottle(null, { at: 0, status: 'in_progress' }, 5_000)).toBe(true);
    const last = { at: 10_000, status: 'in_progress' };
    expect(passesThrottle(last, { at: 12_000, status: 'in_progress' }, 5_000)).toBe(false);
    expect(passesThrottle(last, { at: 15_000, status: 'in_progress' }, 5_000)).toBe(true);
    expect(passesThrottle(last, { at: 10_500, status: 'ok' }, 5_000)).toBe(true);
  });
});
