import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '@infergate/database';

/** A probe is not on the request path, but a load balancer wants its answer quickly. */
const REDIS_PING_TIMEOUT_MS = 500;

/** PING within 500 ms; only part of readiness when Redis is configured (the production profile). */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
  ) {}

  get configured(): boolean {
    return this.redis !== null;
  }

  async pingCheck<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    return this.redis && (await ping(this.redis)) ? indicator.up() : indicator.down();
  }
}

async function ping(redis: Redis): Promise<boolean> {
  // Not connected: ioredis would queue the command until it reconnects.
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), REDIS_PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      redis.ping().then(
        (pong) => pong === 'PONG',
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
