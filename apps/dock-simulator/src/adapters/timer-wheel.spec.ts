import { TimerWheel } from './timer-wheel';

function manualWheel() {
  let now = 1_000;
  const wheel = new TimerWheel({ tickMs: 10, slots: 8, now: () => now, autoStart: false });
  return {
    wheel,
    advance(ms: number) {
      now += ms;
      wheel.runDue(now);
    },
  };
}

describe('TimerWheel', () => {
  it('fires a timer once, at its tick, even past a full turn of the wheel', () => {
    const { wheel, advance } = manualWheel();
    const fired: string[] = [];
    wheel.schedule(30, () => fired.push('short'));
    wheel.schedule(250, () => fired.push('long')); // 25 ticks on an 8-slot wheel
    advance(20);
    expect(fired).toEqual([]);
    advance(10);
    expect(fired).toEqual(['short']);
    advance(200);
    expect(fired).toEqual(['short']);
    advance(20);
    expect(fired).toEqual(['short', 'long']);
    expect(wheel.pending).toBe(0);
  });

  it('repeats with every(), spreads the first run, and stops on cancel', () => {
    const { wheel, advance } = manualWheel();
    let runs = 0;
    const handle = wheel.every(100, () => (runs += 1), 5);
    advance(10);
    expect(runs).toBe(1);
    advance(100);
    expect(runs).toBe(2);
    for (let i = 0; i < 3; i++) advance(100);
    expect(runs).toBe(5);
    // After a stall, missed periods are skipped, not fired in a burst (an overloaded host).
    advance(1_000);
    expect(runs).toBe(6);
    handle.cancel();
    advance(500);
    expect(runs).toBe(6);
  });

  it('catches up after a stalled event loop and survives a throwing callback', () => {
    const { wheel, advance } = manualWheel();
    const fired: number[] = [];
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    wheel.schedule(10, () => {
      throw new Error('boom');
    });
    for (let i = 1; i <= 5; i++) wheel.schedule(i * 40, () => fired.push(i));
    advance(1_000);
    expect(fired).toEqual([1, 2, 3, 4, 5]);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
