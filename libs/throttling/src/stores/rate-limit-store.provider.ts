import type { FactoryProvider } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '@infergate/database';
import { THROTTLING_OPTIONS, type ThrottlingOptions } from '../throttling.options';
import { RATE_LIMIT_STORE, type RateLimitStore } from '../rate-limit.types';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RedisRateLimitStore } from './redis-rate-limit.store';
import { type ResilientConfig, ResilientRateLimitStore } from './resilient-rate-limit.store';

/** Creates the store RATE_LIMIT_STORE names: Redis behind the fail mode when Redis is configured, else memory. */
export function createRateLimitStore(config: ResilientConfig & { redis: { keyPrefix: string } }, redis: Redis | null): RateLimitStore {
  if (!redis) return new MemoryRateLimitStore();
  return new ResilientRateLimitStore(new RedisRateLimitStore(redis, config.redis.keyPrefix), config);
}

/** RATE_LIMIT_STORE for the throttling module; needs its options, the key prefix and REDIS_CLIENT (null: no Redis). */
export const rateLimitStoreProvider: FactoryProvider<RateLimitStore> = {
  provide: RATE_LIMIT_STORE,
  inject: [THROTTLING_OPTIONS, REDIS_KEY_PREFIX, REDIS_CLIENT],
  useFactory: (throttling: ThrottlingOptions, keyPrefix: string, redis: Redis | null) =>
    createRateLimitStore({ throttling, redis: { keyPrefix } }, redis),
};
