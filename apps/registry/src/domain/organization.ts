/** An organization (a DJI "workspace"): docks join it with one of its binding codes. */
export interface Organization {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export const ORGANIZATION_NAME_MAX = 100;

/** A name as stored: trimmed, 1..100 characters, no control characters; undefined when not. */
export function validOrganizationName(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > ORGANIZATION_NAME_MAX) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return undefined;
  return trimmed;
}
