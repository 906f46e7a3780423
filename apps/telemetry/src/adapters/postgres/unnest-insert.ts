/** A column of a multi-row insert: its name, its Postgres type and how to read it off a row. */
export interface Column<R> {
  readonly name: string;
  /** Element type of the array parameter: text, bigint, boolean, jsonb, timestamptz... */
  readonly type: string;
  readonly value: (row: R) => unknown;
}

/**
 * `INSERT INTO table (cols) SELECT * FROM unnest($1::type[], $2::type[], ...)`: any number of
 * rows in one statement with one parameter per column, so a batch of thousands of records
 * stays one round trip, far below Postgres's 65535-parameter limit, with one query plan.
 */
export function unnestInsert<R>(
  table: string,
  columns: readonly Column<R>[],
  rows: readonly R[],
): { sql: string; parameters: unknown[] } {
  const names = columns.map((c) => c.name).join(', ');
  const arrays = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  return {
    sql: `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`,
    parameters: columns.map((c) => rows.map((row) => c.value(row))),
  };
}

/** JSON for a jsonb[] element (pg escapes it inside the array literal). */
export function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function timestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * `col = CASE WHEN <newer> THEN excluded.col ELSE t.col END` for each column: an upsert that
 * moves the latest state forward only when the incoming row is newer (see latest-state.ts),
 * while other columns (first_event_at) may still change.
 */
export function guardedSet(alias: string, columns: readonly string[], newer: string): string {
  return columns
    .map((c) => `${c} = CASE WHEN ${newer} THEN excluded.${c} ELSE ${alias}.${c} END`)
    .join(',\n    ');
}

/**
 * The SQL form of isNewer(): (event_at, received_at, dedupe_key) compared as a tuple, the key
 * byte-wise (COLLATE "C") like JavaScript's string comparison.
 */
export function newerThan(alias: string, prefix = ''): string {
  const e = `excluded.${prefix}`;
  const t = `${alias}.${prefix}`;
  return (
    `(${t}event_at IS NULL OR (${e}event_at, ${e}received_at, ${e}dedupe_key COLLATE "C") > ` +
    `(${t}event_at, ${t}received_at, ${t}dedupe_key COLLATE "C"))`
  );
}
