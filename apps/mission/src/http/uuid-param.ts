import { NotFoundError } from '../application/errors';

/**
 * The id of a record keyed by a uuid column: anything else cannot exist (and must not reach SQL
 * as a uuid), so it answers as an unknown id does (404 `no <what> <id>`).
 */
export function uuidOr404(id: string, what: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError(`no ${what} ${id}`);
  return id;
}
