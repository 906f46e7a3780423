/**
 * A documented enum with human labels. Docks send values their documentation does not list
 * (trap 6: current_step 49), so lookups never throw: unknown values get `unknown (49)`.
 */
export interface EnumTable<V extends number | string> {
  /** The protocol field this table describes, for messages and logs. */
  readonly field: string;
  readonly values: readonly V[];
  isKnown(value: unknown): value is V;
  /** The documented label, or `unknown (<value>)`. */
  labelFor(value: unknown): string;
}

export function defineEnumTable<V extends number | string>(
  field: string,
  entries: readonly (readonly [V, string])[],
): EnumTable<V> {
  const labels = new Map<unknown, string>(entries);
  const values = Object.freeze(entries.map(([value]) => value));
  return Object.freeze({
    field,
    values,
    isKnown: (value: unknown): value is V => labels.has(value),
    labelFor: (value: unknown): string => labels.get(value) ?? `unknown (${showValue(value)})`,
  });
}

/** Safe for any input: only primitives are stringified, everything else is named by type. */
export function showValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'string':
      return value.length > 40 ? JSON.stringify(`${value.slice(0, 40)}…`) : JSON.stringify(value);
    default:
      return value === null ? 'null' : typeof value;
  }
}
