import type { FactoryProvider } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, type InfergateConfig } from '@infergate/common';
import { REDIS_CLIENT } from '@infergate/database';
import { RATE_LIMIT_STORE, type RateLimitStore } from '../rate-limit.types';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RedisRateLimitStore } from './redis-rate-limit.store';
import { ResilientRateLimitStore } from './resilient-rate-limit.store';

/** Creates the store RATE_LIMIT_STORE names: Redis behind the fail mode when Redis is configured, else memory. */
export function createRateLimitStore(config: InfergateConfig, redis: Redis | null): RateLimitStore {
  if (!redis) return new MemoryRateLimitStore();
  return new ResilientRateLimitStore(new RedisRateLimitStore(redis, config.redis.keyPrefix), config);
}

/** RATE_LIMIT_STORE for the throttling module; needs APP_CONFIG and REDIS_CLIENT (null: no Redis). */
export const rateLimitStoreProvider: FactoryProvider<RateLimitStore> = {
  provide: RATE_LIMIT_STORE,
  inject: [APP_CONFIG, { token: REDIS_CLIENT, optional: true }],
  useFactory: (config: InfergateConfig, redis?: Redis | null) => createRateLimitStore(config, redis ?? null),
};
