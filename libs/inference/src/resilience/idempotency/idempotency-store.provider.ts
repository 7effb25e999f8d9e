import type { FactoryProvider } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '@infergate/database';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from './idempotency.types';
import { MemoryIdempotencyStore } from './memory-idempotency.store';
import { RedisIdempotencyStore } from './redis-idempotency.store';

/** Redis when configured (replicas share the keys), else the bounded in-memory store. */
export function createIdempotencyStore(config: { redis: { keyPrefix: string } }, redis: Redis | null): IdempotencyStore {
  return redis ? new RedisIdempotencyStore(redis, config.redis.keyPrefix) : new MemoryIdempotencyStore();
}

export const idempotencyStoreProvider: FactoryProvider<IdempotencyStore> = {
  provide: IDEMPOTENCY_STORE,
  inject: [REDIS_KEY_PREFIX, REDIS_CLIENT],
  useFactory: (keyPrefix: string, redis: Redis | null) => createIdempotencyStore({ redis: { keyPrefix } }, redis),
};
