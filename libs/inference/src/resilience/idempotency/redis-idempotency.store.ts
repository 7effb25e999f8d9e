import type Redis from 'ioredis';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from './idempotency.types';

/** What one Redis value holds: a short-lived in-flight marker or the final response (body base64). */
type RedisValue = { s: 'in-flight'; d: string } | { s: 'done'; d: string; st: number; h: Record<string, string>; b: string };

/** Deletes the key only while it is still an in-flight marker, so a release never drops a stored response. */
const RELEASE_IN_FLIGHT = `
local value = redis.call('GET', KEYS[1])
if value and string.find(value, '"s":"in-flight"', 1, true) then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * The shared store for several replicas. The claim is `SET key marker PX ttl NX`, so exactly one
 * replica makes the upstream call for a key; the final response replaces the marker with the
 * window as TTL.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async claim(key: string, digest: string, inFlightTtlMs: number): Promise<IdempotencyClaim> {
    const redisKey = this.redisKey(key);
    const marker: RedisValue = { s: 'in-flight', d: digest };
    // Two rounds at most: the value found may expire between the SET and the GET.
    for (let round = 0; round < 2; round += 1) {
      const set = await this.redis.set(redisKey, JSON.stringify(marker), 'PX', inFlightTtlMs, 'NX');
      if (set === 'OK') return { kind: 'claimed' };
      const raw = await this.redis.get(redisKey);
      if (raw === null) continue;
      const value = JSON.parse(raw) as RedisValue;
      if (value.s === 'in-flight') return { kind: 'in-flight', digest: value.d };
      return { kind: 'completed', digest: value.d, response: { status: value.st, headers: value.h, body: Buffer.from(value.b, 'base64') } };
    }
    return { kind: 'in-flight', digest };
  }

  async complete(key: string, digest: string, response: StoredResponse, ttlSeconds: number): Promise<void> {
    const value: RedisValue = { s: 'done', d: digest, st: response.status, h: response.headers, b: response.body.toString('base64') };
    await this.redis.set(this.redisKey(key), JSON.stringify(value), 'EX', ttlSeconds);
  }

  async release(key: string): Promise<void> {
    await this.redis.eval(RELEASE_IN_FLIGHT, 1, this.redisKey(key));
  }

  private redisKey(key: string): string {
    return `${this.keyPrefix}idem:${key}`;
  }
}
