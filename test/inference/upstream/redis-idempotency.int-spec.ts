import Redis from 'ioredis';
import { RedisIdempotencyStore } from '../../../libs/inference/src/resilience';
import { idempotencyStoreContract } from '../../../libs/inference/src/resilience/idempotency/idempotency-store.contract';
import { removeKeys, testRedisUrl, uniqueKeyPrefix } from '../../support/redis';

const prefix = uniqueKeyPrefix();
let redis: Redis;

beforeAll(() => {
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await removeKeys(redis, prefix);
  await redis.quit();
});

idempotencyStoreContract('RedisIdempotencyStore', () => new RedisIdempotencyStore(redis, prefix));

describe('RedisIdempotencyStore across replicas', () => {
  it('lets exactly one of two replicas claim a key, and both see the stored response', async () => {
    const other = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
    try {
      const a = new RedisIdempotencyStore(redis, prefix);
      const b = new RedisIdempotencyStore(other, prefix);
      const claims = await Promise.all([a.claim('shared', 'd', 5_000), b.claim('shared', 'd', 5_000)]);
      expect(claims.map((claim) => claim.kind).sort()).toEqual(['claimed', 'in-flight']);
      await a.complete('shared', 'd', { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') }, 60);
      expect(await b.claim('shared', 'd', 5_000)).toMatchObject({ kind: 'completed', response: { status: 200 } });
      const ttl = await redis.ttl(`${prefix}idem:shared`);
      expect(ttl).toBeGreaterThan(50);
      expect(ttl).toBeLessThanOrEqual(60);
    } finally {
      await other.quit();
    }
  });
});
