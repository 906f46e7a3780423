import type { DataSource, EntityManager } from 'typeorm';
import type { FlightBinding } from '../../domain/flights/flight-binding';
import type { NewWayline, Wayline } from '../../domain/waylines/wayline';
import type {
  RemoveOutcome,
  WaylinePage,
  WaylineRepository,
} from '../../domain/waylines/wayline-repository';
import { BlobEntity } from './blob.entity';
import { FlightBindingEntity } from './flight-binding.entity';
import { isUuid, toFlightBinding, toWayline } from './row-mapping';
import { WaylineEntity } from './wayline.entity';

/**
 * Wayline metadata in PostgreSQL. Lock order, to stay free of deadlocks: a wayline row before
 * its blob row. add() locks only the blob (its wayline row is new); remove() locks the wayline,
 * then the blob; bindings take a share lock on the wayline, so a delete and a new binding of
 * the same wayline wait for each other instead of both succeeding.
 */
export class TypeOrmWaylineRepository implements WaylineRepository {
  constructor(private readonly dataSource: DataSource) {}

  add(wayline: NewWayline, ensureBlob: (blobIsNew: boolean) => Promise<void>): Promise<Wayline> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO blobs (fingerprint, size_bytes, storage_key) VALUES ($1, $2, $3)
         ON CONFLICT (fingerprint) DO NOTHING RETURNING fingerprint`,
        [wayline.fingerprint, wayline.sizeBytes, wayline.storageKey],
      );
      await this.lockBlob(manager, wayline.fingerprint);
      await ensureBlob(inserted.length === 1);
      const { metadata } = wayline;
      await manager.insert(WaylineEntity, {
        id: wayline.id,
        organizationId: wayline.organizationId,
        name: wayline.name,
        fingerprint: wayline.fingerprint,
        sizeBytes: wayline.sizeBytes,
        droneModelKey: metadata.droneModelKey,
        payloadModelKeys: metadata.payloadModelKeys,
        templateType: metadata.templateType,
        waypointCount: metadata.waypointCount,
        waylineCount: metadata.waylineCount,
        distanceMeters: metadata.distanceMeters,
        durationSeconds: metadata.durationSeconds,
        author: metadata.author,
        kmlCreatedAtMs: metadata.createdAtMs,
        kmlUpdatedAtMs: metadata.updatedAtMs,
      });
      const row = await manager.findOneOrFail(WaylineEntity, { where: { id: wayline.id } });
      return toWayline(row);
    });
  }

  async findById(id: string): Promise<Wayline | null> {
    if (!isUuid(id)) return null;
    const row = await this.dataSource.manager.findOne(WaylineEntity, { where: { id } });
    return row ? toWayline(row) : null;
  }

  async findInOrganization(id: string, organizationId: string): Promise<Wayline | null> {
    if (!isUuid(id)) return null;
    const row = await this.dataSource.manager.findOne(WaylineEntity, {
      where: { id, organizationId },
    });
    return row ? toWayline(row) : null;
  }

  async list(
    organizationId: string,
    page: { limit: number; offset: number },
  ): Promise<WaylinePage> {
    const [rows, total] = await this.dataSource.manager.findAndCount(WaylineEntity, {
      where: { organizationId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: rows.map(toWayline), total };
  }

  async remove(
    id: string,
    organizationId: string,
    hooks: {
      blockingFlights(bindings: FlightBinding[]): string[];
      deleteBlob(storageKey: string): Promise<void>;
    },
  ): Promise<RemoveOutcome> {
    if (!isUuid(id)) return { outcome: 'not_found' };
    return this.dataSource.transaction(async (manager): Promise<RemoveOutcome> => {
      const locked: { fingerprint: string }[] = await manager.query(
        'SELECT fingerprint FROM waylines WHERE id = $1 AND organization_id = $2 FOR UPDATE',
        [id, organizationId],
      );
      if (locked.length === 0) return { outcome: 'not_found' };
      const bindings = await manager.find(FlightBindingEntity, { where: { waylineId: id } });
      const blocking = hooks.blockingFlights(bindings.map(toFlightBinding));
      if (blocking.length > 0) return { outcome: 'in_use', flightIds: blocking };

      const { fingerprint } = locked[0];
      await manager.delete(WaylineEntity, { id });
      const blob = await this.lockBlob(manager, fingerprint);
      const stillUsed = await manager.count(WaylineEntity, { where: { fingerprint } });
      if (blob && stillUsed === 0) {
        // Under the blob's lock: an upload of the same bytes waits, then writes them anew.
        await hooks.deleteBlob(blob.storageKey);
        await manager.delete(BlobEntity, { fingerprint });
      }
      return { outcome: 'removed' };
    });
  }

  private async lockBlob(manager: EntityManager, fingerprint: string): Promise<BlobEntity | null> {
    return manager
      .createQueryBuilder(BlobEntity, 'blob')
      .setLock('pessimistic_write')
      .where('blob.fingerprint = :fingerprint', { fingerprint })
      .getOne();
  }
}
