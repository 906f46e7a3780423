/** The time source of every decision (UTC epoch milliseconds); tests pass a clock they move. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
