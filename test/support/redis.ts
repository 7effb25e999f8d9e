import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

/** The Redis server the integration suite uses (TEST_REDIS_URL); a missing variable is an error, never a skip. */
export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: the integration suite needs Redis, e.g. TEST_REDIS_URL=redis://127.0.0.1:6379');
  return url;
}

/** A key prefix no other test run uses; everything under it is removed by `removeKeys`. */
export function uniqueKeyPrefix(): string {
  return `ig-it-${randomBytes(6).toString('hex')}:`;
}

/** Every key under `prefix`, with its TTL in ms (-1: none, -2: gone). */
export async function keysWithTtl(redis: Redis, prefix: string): Promise<Map<string, number>> {
  const keys = await redis.keys(`${prefix}*`);
  const ttls = await Promise.all(keys.map((key) => redis.pttl(key)));
  return new Map(keys.map((key, i) => [key, ttls[i]]));
}

export async function removeKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}
