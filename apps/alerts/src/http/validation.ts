import { integerQuery } from '@dock/platform';

/** A page size of 1..500, 100 by default, under the platform's parameter rules (plain digits). */
export function pageLimit() {
  return integerQuery(1, 500).default('100');
}
