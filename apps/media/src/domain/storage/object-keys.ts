/**
 * Where a dock's media goes in the bucket: `<root><organization>/<dock SN>/` is the
 * object_key_prefix a dock is given; the dock adds its own path (the flight id, the file name).
 * The upload credentials are narrowed further to the flights the dock has media pending for.
 */
export function dockKeyPrefix(root: string, organizationId: string, gatewaySn: string): string {
  return `${root}${safeSegment(organizationId)}/${safeSegment(gatewaySn)}/`;
}

export function flightKeyPrefix(dockPrefix: string, flightId: string): string {
  return `${dockPrefix}${safeSegment(flightId)}/`;
}

/** A key segment: no "/" and no dot-only names, so one prefix never reaches into another. */
function safeSegment(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^\.+$/.test(cleaned) || cleaned === '' ? `_${cleaned}` : cleaned;
}
