import { FactoryProvider, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { DATABASE_OPTIONS, type DatabaseModuleOptions } from '../database.options';

/** Injection token of the shared ioredis client, or null when no Redis is configured. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** Injection token of the prefix every key infergate writes to Redis starts with (`redis.keyPrefix`). */
export const REDIS_KEY_PREFIX = Symbol('REDIS_KEY_PREFIX');

/**
 * The hard limit on one Redis command. Callers on the request path that must decide faster (the rate
 * limiter: a silent Redis within 50 ms) put their own liveness-aware deadline in front; a flat 50 ms
 * here would fail healthy commands whenever a burst keeps the event loop busy.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 1_000;

/**
 * One ioredis connection per process. Commands fail at once instead of queueing while Redis is away
 * (no offline queue), so a decision that needs Redis is made, or refused, within milliseconds.
 */
export const redisClientProvider: FactoryProvider<Redis | null> = {
  provide: REDIS_CLIENT,
  inject: [DATABASE_OPTIONS],
  useFactory: (options: DatabaseModuleOptions): Redis | null => {
    if (!options.redis.url) return null;
    const logger = new Logger('Redis');
    const client = new Redis(options.redis.url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    let lastError = '';
    // Without a listener ioredis prints every reconnect failure; log each kind of failure once.
    client.on('error', (error: NodeJS.ErrnoException) => {
      const kind = error.code ?? error.name;
      if (kind !== lastError) logger.warn({ event: 'redis.unavailable', code: kind }, 'redis not reachable');
      lastError = kind;
    });
    client.on('ready', () => {
      lastError = '';
    });
    return client;
  },
};
