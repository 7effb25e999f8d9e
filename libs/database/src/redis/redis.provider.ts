import { FactoryProvider, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, InfergateConfig } from '@infergate/common';

/** Injection token of the shared ioredis client, or null when no Redis is configured. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** How long one Redis command may take before the caller treats Redis as down. */
export const REDIS_COMMAND_TIMEOUT_MS = 50;

/**
 * One ioredis connection per process. Commands fail fast instead of queueing while Redis is away
 * (no offline queue), so a decision that needs Redis is made, or refused, within milliseconds.
 */
export const redisClientProvider: FactoryProvider<Redis | null> = {
  provide: REDIS_CLIENT,
  inject: [APP_CONFIG],
  useFactory: (config: InfergateConfig): Redis | null => {
    if (!config.redis.url) return null;
    const logger = new Logger('Redis');
    const client = new Redis(config.redis.url, {
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
