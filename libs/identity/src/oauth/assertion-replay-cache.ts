import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { ServiceUnavailableException } from '@infergate/common';

/**
 * Remembers client assertion `jti`s (RFC 7523 §3 item 7) until the assertions expire, so that each
 * one is accepted once. The memory store is exact in one process; the Redis store across replicas.
 */
export interface AssertionReplayCache {
  /** True the first time `key` is claimed; false while an earlier claim has not expired. */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

export const ASSERTION_REPLAY_CACHE = Symbol('AssertionReplayCache');

const MAX_ENTRIES = 100_000;

export class MemoryAssertionReplayCache implements AssertionReplayCache {
  private readonly seen = new Map<string, number>();

  claim(key: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    const expiresAt = this.seen.get(key);
    if (expiresAt !== undefined && expiresAt > now) return Promise.resolve(false);
    if (this.seen.size >= MAX_ENTRIES) this.sweep(now);
    // Refusing is safer than forgetting: a forgotten jti could be replayed.
    if (this.seen.size >= MAX_ENTRIES) return Promise.reject(new ServiceUnavailableException());
    this.seen.set(key, now + Math.max(1, ttlMs));
    return Promise.resolve(true);
  }

  private sweep(now: number): void {
    for (const [key, expiresAt] of this.seen) if (expiresAt <= now) this.seen.delete(key);
  }
}

export class RedisAssertionReplayCache implements AssertionReplayCache {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    // The jti is chosen by the client: hash it into a fixed-size key.
    const redisKey = `${this.keyPrefix}oauth:assertion:${createHash('sha256').update(key).digest('base64url')}`;
    try {
      return (await this.redis.set(redisKey, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
    } catch {
      // Without the shared store a replay cannot be ruled out: refuse, retryably.
      throw new ServiceUnavailableException();
    }
  }
}
