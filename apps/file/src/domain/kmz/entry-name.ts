/**
 * Why an entry name could write outside the directory it is extracted to, or undefined when it
 * is safe. Docks unzip what they download, so the cloud refuses what a careless unzipper would
 * turn into a path traversal.
 */
export function unsafeEntryNameReason(name: string): string | undefined {
  if (name.length === 0) return 'empty name';
  if (name.includes('\0')) return 'NUL character in name';
  if (name.includes('\\')) return 'backslash in name (not a zip path separator)';
  if (name.startsWith('/')) return 'absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'drive letter';
  const segments = name.split('/');
  if (segments.some((segment) => segment === '..')) return 'climbs out of the archive (..)';
  return undefined;
}
