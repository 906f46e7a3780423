import { FlagSink } from '../flags';
import { Decoded } from '../validation/decoded';

/**
 * Validates a message's `data` (paths start at `data`) and returns its canonical form.
 * Flags record the traps that were accepted on the way.
 */
export type DataValidator<T> = (data: unknown, flags: FlagSink) => Decoded<T>;
