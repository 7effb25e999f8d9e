import Redis from 'ioredis';
import { revocationStoreContract } from '../../libs/identity/src/revocation/revocation-store.contract';
import { RedisRevocationStore } from '../../libs/identity/src/revocation/redis-revocation.store';
import { keysWithTtl, removeKeys, testRedisUrl, uniqueKeyPrefix } from '../support/redis';

const redis = new Redis(testRedisUrl(), { lazyConnect: true });
const prefix = uniqueKeyPrefix();

beforeAll(() => redis.connect());
afterAll(async () => {
  await removeKeys(redis, prefix);
  await redis.quit();
});

revocationStoreContract(RedisRevocationStore.name, () => new RedisRevocationStore(redis, prefix));

describe('RedisRevocationStore keys', () => {
  it('all carry a TTL', async () => {
    const store = new RedisRevocationStore(redis, prefix);
    await store.revokeToken('ttl-check', new Date(Date.now() + 60_000));
    await store.revokeSubject('ttl-subject', new Date(), 60);
    const ttls = await keysWithTtl(redis, prefix);
    expect(ttls.size).toBeGreaterThanOrEqual(2);
    for (const [key, ttl] of ttls) expect([key, ttl > 0]).toEqual([key, true]);
  });
});
