import { openZipBuffer } from '../../adapters/zip/yauzl-archive';
import {
  encryptedKmz,
  lyingSizesKmz,
  noise,
  renameEntry,
  symlinkKmz,
  templateKml,
  validKmz,
  waylinesWpml,
  zip,
  zipBomb,
} from '../../../test/kmz-fixtures';
import { inspectKmz } from './inspect-kmz';
import { DEFAULT_KMZ_LIMITS, KmzLimits } from './kmz-limits';
import { KmzRejectedError } from './kmz-rejection';

async function inspect(archive: Buffer, limits: KmzLimits = DEFAULT_KMZ_LIMITS) {
  const reader = await openZipBuffer(archive);
  try {
    return await inspectKmz(reader, limits);
  } finally {
    await reader.close();
  }
}

async function rejection(archive: Buffer, limits?: KmzLimits): Promise<KmzRejectedError> {
  try {
    await inspect(archive, limits);
  } catch (error) {
    if (error instanceof KmzRejectedError) return error;
    throw error;
  }
  throw new Error('the archive was accepted');
}

describe('inspectKmz', () => {
  it('accepts a KMZ with template.kml and waylines.wpml and returns both documents', async () => {
    const contents = await inspect(await validKmz());
    expect(contents.templateKml).toContain('<wpml:templateType>waypoint');
    expect(contents.waylinesWpml).toContain('<wpml:distance>');
    expect(contents.entryCount).toBe(2);
  });

  it('accepts waylines.wpml alone, and resource entries beside the documents', async () => {
    await expect(
      inspect(await zip([{ name: 'wpmz/waylines.wpml', data: waylinesWpml() }])),
    ).resolves.toMatchObject({
      templateKml: undefined,
    });
    await expect(
      inspect(
        await zip([
          { name: 'wpmz/template.kml', data: templateKml() },
          { name: 'wpmz/waylines.wpml', data: waylinesWpml() },
          { name: 'wpmz/res/photo.png', data: noise(2048) },
        ]),
      ),
    ).resolves.toMatchObject({ entryCount: 3 });
  });

  it('refuses template.kml without waylines.wpml, saying the dock flies the latter', async () => {
    const error = await rejection(await zip([{ name: 'wpmz/template.kml', data: templateKml() }]));
    expect(error.code).toBe('missing_wayline_files');
    expect(error.message).toContain('wpmz/waylines.wpml');
  });

  it('reads stored (uncompressed) entries as well as deflated ones', async () => {
    const stored = await zip([
      { name: 'wpmz/template.kml', data: templateKml(), compress: false },
      { name: 'wpmz/waylines.wpml', data: waylinesWpml(), compress: false },
    ]);
    const contents = await inspect(stored);
    expect(contents.waylinesWpml).toBe(waylinesWpml());
  });

  it('refuses an archive without wayline documents', async () => {
    const error = await rejection(await zip([{ name: 'doc.kml', data: templateKml() }]));
    expect(error.code).toBe('missing_wayline_files');
    expect(error.message).toContain('wpmz/template.kml');
  });

  it('refuses documents that are not well-formed XML, saying where', async () => {
    const error = await rejection(
      await zip([{ name: 'wpmz/waylines.wpml', data: '<kml><Document><Folder></Document></kml>' }]),
    );
    expect(error.code).toBe('malformed_xml');
    expect(error.message).toMatch(/wpmz\/waylines\.wpml is not well-formed XML \(line 1/);
    expect((await rejection(await zip([{ name: 'wpmz/template.kml', data: '   ' }]))).code).toBe(
      'malformed_xml',
    );
  });

  it('refuses XML whose root is not kml', async () => {
    const error = await rejection(
      await zip([{ name: 'wpmz/template.kml', data: '<html><body/></html>' }]),
    );
    expect(error.code).toBe('not_a_wayline');
  });

  it('refuses a zip bomb by its compression ratio', async () => {
    const error = await rejection(await zipBomb(20));
    expect(error.code).toBe('compression_ratio');
    expect(error.message).toContain('wpmz/res/padding.bin');
  });

  it('refuses archives with too many entries or too many bytes once inflated', async () => {
    const many = await zip(
      Array.from({ length: 12 }, (_, i) => ({ name: `wpmz/res/${i}.txt`, data: 'x' })).concat({
        name: 'wpmz/template.kml',
        data: templateKml(),
      }),
    );
    expect((await rejection(many, { ...DEFAULT_KMZ_LIMITS, maxEntries: 10 })).code).toBe(
      'too_many_entries',
    );

    const big = await zip([
      { name: 'wpmz/template.kml', data: templateKml() },
      { name: 'wpmz/res/a.bin', data: noise(300_000), compress: false },
      { name: 'wpmz/res/b.bin', data: noise(300_000), compress: false },
    ]);
    const limits = { ...DEFAULT_KMZ_LIMITS, maxUncompressedBytes: 500_000 };
    expect((await rejection(big, limits)).code).toBe('too_large_uncompressed');
  });

  it('refuses an archive whose central directory lies about sizes', async () => {
    const error = await rejection(await lyingSizesKmz());
    expect(error.code).toBe('corrupt_archive');
  });

  it('refuses entry names that climb out of the archive or are absolute', async () => {
    const archive = await zip([
      { name: 'wpmz/template.kml', data: templateKml() },
      { name: 'wpmz/x/evil.kml', data: templateKml() },
    ]);
    const climbing = renameEntry(archive, 'wpmz/x/evil.kml', 'wpmz/../evil.kml'.slice(0, 15));
    const error = await rejection(climbing);
    expect(error.code).toBe('unsafe_entry_name');
    expect(error.message).toContain('climbs out');

    const absolute = renameEntry(archive, 'wpmz/x/evil.kml', '/etc/evil.kml00');
    expect((await rejection(absolute)).message).toContain('absolute path');
  });

  it('refuses symbolic links, encrypted entries and duplicated names', async () => {
    expect((await rejection(await symlinkKmz())).code).toBe('unsafe_entry_name');
    expect((await rejection(await encryptedKmz())).code).toBe('encrypted_entry');
    const twice = await zip([
      { name: 'wpmz/template.kml', data: templateKml() },
      { name: 'wpmz/template.kml', data: templateKml({ waypoints: 9 }) },
    ]);
    expect((await rejection(twice)).code).toBe('duplicate_entry');
  });
});
