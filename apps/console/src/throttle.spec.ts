import { throttled } from './throttle';

describe('throttled redraws', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('draws once for a burst of updates, and again for the next burst', () => {
    const draw = jest.fn();
    const schedule = throttled(draw, 250);
    for (let i = 0; i < 10; i++) schedule();
    expect(draw).not.toHaveBeenCalled();
    jest.advanceTimersByTime(250);
    expect(draw).toHaveBeenCalledTimes(1);
    schedule();
    jest.advanceTimersByTime(250);
    expect(draw).toHaveBeenCalledTimes(2);
  });

  it('draws nothing after it is cancelled (the view was left)', () => {
    const draw = jest.fn();
    const schedule = throttled(draw, 250);
    schedule();
    schedule.cancel();
    jest.advanceTimersByTime(1_000);
    expect(draw).not.toHaveBeenCalled();
  });
});
