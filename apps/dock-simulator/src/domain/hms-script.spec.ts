import { hmsListAt, SIMULATED_HMS_ALERT } from './hms-script';

describe('hmsListAt', () => {
  it('raises one alert mid-flight, repeats it, then clears it', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((tick) => hmsListAt(tick).length)).toEqual([
      0, 0, 1, 1, 1, 0, 0,
    ]);
    expect(hmsListAt(4)).toEqual([SIMULATED_HMS_ALERT]);
  });
});
