import { unsafeEntryNameReason } from './entry-name';

describe('unsafeEntryNameReason', () => {
  it.each(['wpmz/template.kml', 'wpmz/res/', 'wpmz/res/a..b.png', 'a/./b'])('accepts %s', (name) =>
    expect(unsafeEntryNameReason(name)).toBeUndefined(),
  );

  it.each([
    ['../evil.kml', 'climbs out'],
    ['wpmz/../../evil', 'climbs out'],
    ['/etc/passwd', 'absolute'],
    ['C:/Windows/x', 'drive letter'],
    ['wpmz\\..\\x', 'backslash'],
    ['a\0b', 'NUL'],
    ['', 'empty'],
  ])('refuses %j', (name, reason) => expect(unsafeEntryNameReason(name)).toContain(reason));
});
