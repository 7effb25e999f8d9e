import type { FactoryProvider } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, type InfergateConfig } from '@infergate/common';
import { REDIS_CLIENT } from '@infergate/database';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from './idempotency.types';
import { MemoryIdempotencyStore } from './memory-idempotency.store';
import { RedisIdempotencyStore } from './redis-idempotency.store';

/** Redis when configured (replicas share the keys), else the bounded in-memory store. */
export function createIdempotencyStore(config: InfergateConfig, redis: Redis | null): IdempotencyStore {
  return redis ? new RedisIdempotencyStore(redis, config.redis.keyPrefix) : new MemoryIdempotencyStore();
}

export const idempotencyStoreProvider: FactoryProvider<IdempotencyStore> = {
  provide: IDEMPOTENCY_STORE,
  inject: [APP_CONFIG, { token: REDIS_CLIENT, optional: true }],
  useFactory: (config: InfergateConfig, redis?: Redis | null) => createIdempotencyStore(config, redis ?? null),
};
