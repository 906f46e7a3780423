/** The paging of a list read with limit and offset (`pageQuery` parses both). */
export interface Paging {
  limit: number;
  offset: number;
}

/** One page of such a list as every service answers it: its items, the total and the paging. */
export interface OffsetPage<T> extends Paging {
  items: T[];
  total: number;
}

/** A page of records as the answer's page of DTOs, with the paging the request asked for. */
export function offsetPage<T, D>(
  page: { readonly items: readonly T[]; readonly total: number },
  toDto: (item: T) => D,
  paging: Paging,
): OffsetPage<D> {
  return {
    items: page.items.map((item) => toDto(item)),
    total: page.total,
    limit: paging.limit,
    offset: paging.offset,
  };
}
