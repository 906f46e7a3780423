import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import type { ArchiveEntry, ArchiveReader } from '../kmz/archive-reader';
import { DEFAULT_KMZ_LIMITS } from '../kmz/kmz-limits';
import { KmzRejectedError } from '../kmz/kmz-rejection';
import type { BlobStorage } from './blob-storage';
import { WaylineLibrary } from './wayline-library';
import type { WaylineRepository } from './wayline-repository';

/** An archive whose next entry never comes: a reader stuck on a hostile or broken file. */
class StuckArchive implements ArchiveReader {
  closed = 0;
  readonly entryCount = 1;
  entries(): AsyncIterable<ArchiveEntry> {
    return { [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => undefined) }) };
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

describe('WaylineLibrary.add', () => {
  it('refuses an archive that cannot be read within the time limit, closing it', async () => {
    const archive = new StuckArchive();
    const untouched = new Proxy(
      {},
      {
        get: () => {
          throw new Error('not reached');
        },
      },
    );
    const library = new WaylineLibrary(
      untouched as WaylineRepository,
      untouched as BlobStorage,
      async () => archive,
      { limits: DEFAULT_KMZ_LIMITS, inspectTimeoutMs: 50, unconfirmedBindingHoldMs: 0 },
    );
    const started = Date.now();
    const outcome = await library
      .add({
        path: '/nowhere.kmz',
        sizeBytes: 10,
        md5Hex: 'a'.repeat(32),
        name: 'stuck',
        organizationId: DEFAULT_ORGANIZATION_ID,
      })
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(KmzRejectedError);
    expect(outcome).toMatchObject({ code: 'inspection_timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(archive.closed).toBeGreaterThan(0);
  });
});
