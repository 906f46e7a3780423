import { commandOutcome, localInputToMs, msToLocalInput, percentText, presence } from './format';

describe('console wording', () => {
  const command = {
    id: 'c',
    gatewaySn: 'D1',
    method: 'flighttask_pause',
    error: null,
  } as const;

  it("says what the dock answered to a command, with the code's meaning", () => {
    expect(
      commandOutcome({ ...command, state: 'pending', result: { code: null, meaning: null } }),
    ).toBe('sent, waiting for the dock to answer');
    expect(
      commandOutcome({ ...command, state: 'accepted', result: { code: 0, meaning: 'success' } }),
    ).toBe('accepted by the dock (code 0: success)');
    expect(
      commandOutcome({
        ...command,
        state: 'refused',
        result: { code: 319046, meaning: 'cannot pause' },
      }),
    ).toBe('refused by the dock (code 319046: cannot pause)');
    expect(
      commandOutcome({
        ...command,
        state: 'timeout',
        error: 'no reply',
        result: { code: null, meaning: null },
      }),
    ).toBe('no answer from the dock in time: no reply');
  });

  it('shows presence and percent plainly, unknown values as such', () => {
    expect([presence(true), presence(false), presence(null)]).toEqual([
      'online',
      'offline',
      'unknown',
    ]);
    expect([percentText(42.6), percentText(null)]).toEqual(['43 %', '-']);
  });

  it('round-trips datetime-local values to the minute', () => {
    const ms = new Date(2026, 11, 4, 18, 30).getTime();
    expect(msToLocalInput(ms)).toBe('2026-12-04T18:30');
    expect(localInputToMs(msToLocalInput(ms))).toBe(ms);
    expect(localInputToMs('')).toBeNaN();
  });
});
