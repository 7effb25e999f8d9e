/**
 * The rate limiter's added latency per decision (issue 5, "bench/"): memory store against the Redis
 * store (one Lua script, one round trip), each decision charging 3 scopes (application bucket,
 * organization bucket, organization daily quota).
 *
 *   TEST_REDIS_URL=redis://127.0.0.1:6379 node -r @swc-node/register bench/rate-limit.bench.ts [decisions]
 *
 * Needs TEST_REDIS_URL or REDIS_URL for the Redis row (without one, only memory is measured and the
 * run says so). Keys live under a unique prefix and are removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { RateLimitRequest, RateLimitStore } from '../libs/throttling/src/rate-limit.types';
import { MemoryRateLimitStore } from '../libs/throttling/src/stores/memory-rate-limit.store';
import { RedisRateLimitStore } from '../libs/throttling/src/stores/redis-rate-limit.store';

const decisions = Math.max(5_000, Number(process.argv[2] ?? 0) || 0);
const WARMUP = 500;

function request(i: number): RateLimitRequest {
  const app = `app-${i % 50}`;
  return {
    buckets: [
      { name: 'application', key: `bucket:application:${app}`, ratePerSecond: 1e6, burst: 1e6, cost: 1 },
      { name: 'organization', key: 'bucket:organization:bench', ratePerSecond: 1e6, burst: 1e6, cost: 1 },
    ],
    quotas: [{ name: 'organization-day', key: 'quota:organization:bench', limit: 1e9, period: 'day', cost: 1 }],
    concurrency: [],
    leaseId: `bench-${i}`,
  };
}

async function measure(store: RateLimitStore): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await store.consume(request(i));
  const samples: number[] = [];
  for (let i = 0; i < decisions; i++) {
    const start = process.hrtime.bigint();
    const decision = await store.consume(request(i));
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
    if (!decision.allowed) throw new Error('bench decision refused: the limits are set too low');
  }
  return samples.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (us: number) => us.toFixed(1).padStart(9);

async function main(): Promise<void> {
  const rows: [string, number[]][] = [['memory', await measure(new MemoryRateLimitStore())]];
  const url = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;
  if (url) {
    const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
    await redis.connect();
    const prefix = `ig-bench-${randomBytes(4).toString('hex')}:`;
    try {
      rows.push(['redis (Lua, 1 RTT)', await measure(new RedisRateLimitStore(redis, prefix))]);
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  }
  console.log(`rate-limit decision latency, ${decisions} decisions each, 3 scopes per decision (µs)`);
  console.log(`${'store'.padEnd(20)}${'p50'.padStart(9)}${'p99'.padStart(9)}${'mean'.padStart(9)}`);
  for (const [name, sorted] of rows) {
    const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
    console.log(`${name.padEnd(20)}${fmt(pct(sorted, 50))}${fmt(pct(sorted, 99))}${fmt(mean)}`);
  }
  if (!url) console.log('redis: skipped — set TEST_REDIS_URL or REDIS_URL to measure the Redis store');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
