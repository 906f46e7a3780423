// The Lua scripts of the pending store against a real Redis: the PendingStore contract (the
// same suite the in-memory store passes: exactly one claimant, leases, dedupe by correlation
// id, a restarted instance taking over its own claims).
import Redis from 'ioredis';
import { RedisPendingStore } from '../../../apps/gateway/src/adapters/redis/redis-pending-store';
import { definePendingStoreContract } from '../../../apps/gateway/test/pending-store-contract';
import { infraSettings, uniqueName } from '../../support/infra-settings';

jest.setTimeout(30_000);

const redis = new Redis(infraSettings.redisUrl);
const prefix = `it:${uniqueName('pending')}`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('RedisPendingStore honours the PendingStore contract', () => {
  definePendingStoreContract({
    store: (instanceId, bootId = 'boot1', leaseMs = 1_000) =>
      new RedisPendingStore<{ n: number }>(redis, {
        prefix,
        kind: 'commands',
        instanceId,
        bootId,
        leaseMs,
        dedupeTtlMs: 60_000,
      }),
    id: (local) => local,
  });
});
