import { randomUUID } from 'node:crypto';
import type { ArchiveReader, OpenArchive } from '../kmz/archive-reader';
import { NotAnArchiveError } from '../kmz/archive-reader';
import { inspectKmz } from '../kmz/inspect-kmz';
import type { KmzLimits } from '../kmz/kmz-limits';
import { KmzRejectedError } from '../kmz/kmz-rejection';
import { extractWaylineMetadata } from '../kmz/wayline-metadata';
import { blocksDeletion } from '../flights/flight-binding';
import type { BlobStorage } from './blob-storage';
import { storageKeyFor, Wayline } from './wayline';
import { WaylineInUseError, WaylineNotFoundError } from './wayline-errors';
import type { WaylinePage, WaylineRepository } from './wayline-repository';

/** An upload received in full on local disk, with what was measured while it streamed in. */
export interface StagedUpload {
  /** The organization the wayline will belong to. */
  organizationId: string;
  path: string;
  sizeBytes: number;
  md5Hex: string;
  name: string;
}

export interface WaylineLibrarySettings {
  limits: KmzLimits;
  /** Opening and reading the whole archive; past it the upload is refused (a stuck reader must not hold the request, its file or shutdown). */
  inspectTimeoutMs: number;
  /** How long a binding no task event confirmed still blocks deletion. */
  unconfirmedBindingHoldMs: number;
}

/** The KMZ library's use cases: accept an upload, list, read, delete. */
export class WaylineLibrary {
  constructor(
    private readonly repository: WaylineRepository,
    private readonly storage: BlobStorage,
    private readonly openArchive: OpenArchive,
    private readonly settings: WaylineLibrarySettings,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /**
   * Validates the staged KMZ, then stores its bytes (once per fingerprint) and its metadata.
   * Throws KmzRejectedError, having stored nothing, when the file is not an acceptable KMZ.
   */
  async add(upload: StagedUpload): Promise<Wayline> {
    if (upload.sizeBytes === 0) {
      throw new KmzRejectedError('empty_file', 'the uploaded file is empty');
    }
    const metadata = extractWaylineMetadata(await this.inspect(upload.path));
    if (metadata.waylineCount === 0 || metadata.waypointCount === 0) {
      throw new KmzRejectedError(
        'empty_wayline',
        metadata.waylineCount === 0
          ? 'wpmz/waylines.wpml holds no wayline (no <Folder>): there is nothing to fly'
          : 'the waylines in wpmz/waylines.wpml have no waypoints (no <Placemark>): there is nothing to fly',
      );
    }
    const storageKey = storageKeyFor(upload.md5Hex);
    let wrote = false;
    try {
      return await this.repository.add(
        {
          id: randomUUID(),
          organizationId: upload.organizationId,
          name: upload.name,
          fingerprint: upload.md5Hex,
          sizeBytes: upload.sizeBytes,
          storageKey,
          metadata,
        },
        async () => {
          // Content-addressed: when the bytes are already there, there is nothing to write.
          if (await this.storage.stat(storageKey)) return;
          await this.storage.put(storageKey, upload.path, {
            sizeBytes: upload.sizeBytes,
            md5Hex: upload.md5Hex,
          });
          wrote = true;
        },
      );
    } catch (error) {
      // The row was rolled back; a blob this upload wrote is referenced by nothing.
      if (wrote) await this.storage.delete(storageKey).catch(() => undefined);
      throw error;
    }
  }

  list(organizationId: string, page: { limit: number; offset: number }): Promise<WaylinePage> {
    return this.repository.list(organizationId, page);
  }

  /** Another organization's wayline is not found, exactly as an unknown id. */
  async get(id: string, organizationId: string): Promise<Wayline> {
    const wayline = await this.repository.findInOrganization(id, organizationId);
    if (!wayline) throw new WaylineNotFoundError(id);
    return wayline;
  }

  /** Deletes a wayline, refused (WaylineInUseError) while a task that is not final uses it. */
  async remove(id: string, organizationId: string): Promise<void> {
    const now = this.nowMs();
    const result = await this.repository.remove(id, organizationId, {
      blockingFlights: (bindings) =>
        bindings
          .filter((binding) => blocksDeletion(binding, now, this.settings.unconfirmedBindingHoldMs))
          .map((binding) => binding.flightId),
      deleteBlob: (storageKey) => this.storage.delete(storageKey),
    });
    if (result.outcome === 'not_found') throw new WaylineNotFoundError(id);
    if (result.outcome === 'in_use') throw new WaylineInUseError(id, result.flightIds);
  }

  /** Inspects the archive within inspectTimeoutMs; on time-out the archive is closed at once. */
  private async inspect(path: string) {
    let archive: ArchiveReader | undefined;
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const work = (async () => {
      archive = await this.open(path);
      if (timedOut) await archive.close();
      return inspectKmz(archive, this.settings.limits);
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(
          new KmzRejectedError(
            'inspection_timeout',
            `reading the archive took longer than ${this.settings.inspectTimeoutMs} ms; it is refused`,
          ),
        );
      }, this.settings.inspectTimeoutMs);
    });
    work.catch(() => undefined); // its failure after a time-out is expected and not news
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
      await archive?.close();
    }
  }

  private async open(path: string): Promise<ArchiveReader> {
    try {
      return await this.openArchive(path);
    } catch (error) {
      if (error instanceof NotAnArchiveError) {
        throw new KmzRejectedError(
          'not_a_zip',
          `the file is not a zip archive (${error.detail}); a KMZ is a zip holding wpmz/waylines.wpml (and usually wpmz/template.kml)`,
        );
      }
      throw error;
    }
  }
}
