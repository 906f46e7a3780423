import { UUID_PATTERN } from '@dock/platform';
import { badRequest } from './registry-errors.filter';

/** A path parameter holding one of this service's ids (a UUID), lower-cased; else 400 naming it. */
export function uuidParam(name: string, value: string): string {
  if (!UUID_PATTERN.test(value)) throw badRequest(`${name} must be a UUID`);
  return value.toLowerCase();
}
