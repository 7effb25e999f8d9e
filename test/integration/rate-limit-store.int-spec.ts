import Redis from 'ioredis';
import { rateLimitStoreContract } from '../../libs/throttling/src/stores/rate-limit-store.contract';
import { RATE_LIMIT_HASH_TAG, RedisRateLimitStore } from '../../libs/throttling/src/stores/redis-rate-limit.store';
import { keysWithTtl, removeKeys, testRedisUrl, uniqueKeyPrefix } from '../support/redis';

const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 1_000 };
const redis = new Redis(testRedisUrl(), options);
/** Three more clients: three gateway replicas sharing one Redis. */
const replicas = [new Redis(testRedisUrl(), options), new Redis(testRedisUrl(), options), new Redis(testRedisUrl(), options)];
const prefix = uniqueKeyPrefix();

beforeAll(() => Promise.all([redis, ...replicas].map((client) => client.connect())));
afterAll(async () => {
  await removeKeys(redis, prefix);
  await Promise.all([redis, ...replicas].map((client) => client.quit()));
});

rateLimitStoreContract(RedisRateLimitStore.name, () => new RedisRateLimitStore(redis, prefix), {
  replicas: () => replicas.map((client) => new RedisRateLimitStore(client, prefix)),
});

describe('RedisRateLimitStore keys', () => {
  it('share one hash tag, so one decision stays in one Cluster slot', async () => {
    const store = new RedisRateLimitStore(redis, prefix);
    await store.consume({
      buckets: [{ name: 'user', key: 'bucket:user:slot', ratePerSecond: 1, burst: 2, cost: 1 }],
      quotas: [{ name: 'org-day', key: 'quota:organization:slot', limit: 5, period: 'day', cost: 1 }],
      concurrency: [{ name: 'model', key: 'inflight:model:slot', limit: 5, leaseMs: 60_000 }],
      leaseId: 'slot-lease',
    });
    const keys = await redis.keys(`${prefix}*slot*`);
    expect(keys).toHaveLength(3);
    for (const key of keys) expect(key.startsWith(`${prefix}${RATE_LIMIT_HASH_TAG}:`)).toBe(true);
  });

  it('recovers when the script cache is flushed (EVALSHA falls back to EVAL)', async () => {
    const store = new RedisRateLimitStore(redis, prefix);
    await redis.script('FLUSH');
    const decision = await store.consume({
      buckets: [{ name: 'user', key: 'bucket:user:noscript', ratePerSecond: 1, burst: 2, cost: 1 }],
      quotas: [],
      concurrency: [],
      leaseId: 'x',
    });
    expect(decision.allowed).toBe(true);
  });

  // Runs last: every key the suite wrote must carry a TTL.
  it('all carry a TTL after the suite (none at -1)', async () => {
    const ttls = await keysWithTtl(redis, prefix);
    expect(ttls.size).toBeGreaterThan(10);
    const withoutTtl = [...ttls].filter(([, ttl]) => !(ttl > 0));
    expect(withoutTtl).toEqual([]);
  });
});
