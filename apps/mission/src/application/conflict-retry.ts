import { VersionConflictError } from './ports';

/**
 * Runs a read-decide-write transaction again when another writer changed the task in between
 * (optimistic concurrency): the decision is remade on what is current. Gives up after a few
 * rounds with the conflict, which callers turn into 409 or a redelivery.
 */
export async function withConflictRetry<T>(work: () => Promise<T>, rounds = 5): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof VersionConflictError) || round >= rounds) throw error;
    }
  }
}
