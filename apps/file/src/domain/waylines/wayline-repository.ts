import type { FlightBinding } from '../flights/flight-binding';
import type { NewWayline, Wayline } from './wayline';

export interface WaylinePage {
  items: Wayline[];
  total: number;
}

export type RemoveOutcome =
  { outcome: 'removed' } | { outcome: 'not_found' } | { outcome: 'in_use'; flightIds: string[] };

/**
 * The port to the wayline metadata (PostgreSQL). Storage work runs inside the repository's
 * transaction, under a lock on the blob's row, so an upload and a delete of the same bytes
 * never interleave: the upload cannot reuse a blob the delete is removing.
 */
export interface WaylineRepository {
  /**
   * Records a wayline. `ensureBlob` runs while the blob's row is locked; `blobIsNew` says
   * whether this upload created the row. When ensureBlob or the insert fails nothing is recorded.
   */
  add(wayline: NewWayline, ensureBlob: (blobIsNew: boolean) => Promise<void>): Promise<Wayline>;
  /**
   * Whatever its organization: for what carries its own authority (a signed download URL, a
   * dock's request for a flight it was bound to). The API reads with findInOrganization.
   */
  findById(id: string): Promise<Wayline | null>;
  /** null for an unknown id and for another organization's wayline alike. */
  findInOrganization(id: string, organizationId: string): Promise<Wayline | null>;
  list(organizationId: string, page: { limit: number; offset: number }): Promise<WaylinePage>;
  /**
   * Removes a wayline unless `blockingFlights` names flights among its bindings (checked in
   * the same transaction). `deleteBlob` runs when no other wayline shares the blob.
   */
  remove(
    id: string,
    organizationId: string,
    hooks: {
      blockingFlights(bindings: FlightBinding[]): string[];
      deleteBlob(storageKey: string): Promise<void>;
    },
  ): Promise<RemoveOutcome>;
}
