import type Redis from 'ioredis';
import type { ConcurrencyCharge, LimitState, QuotaCharge, RateLimitDecision, RateLimitRequest, RateLimitStore } from '../rate-limit.types';
import { ceilSeconds } from './periods';
import { CONSUME_LUA, RELEASE_LUA, USAGE_LUA } from './rate-limit.lua';

/**
 * The hash tag every limiter key carries. One decision touches several keys (user, application,
 * organization, model, global …) and a Lua script may only touch keys of one Cluster slot, so all
 * limiter keys share one tag. Trade-off: on Redis Cluster the whole limiter lives on one shard (one
 * primary serves every decision); the other shards still carry revocations and caches. A per-tenant
 * tag would spread load but could not charge the global and model scopes in the same script.
 */
export const RATE_LIMIT_HASH_TAG = '{rl}';

/** Extra TTL (ms) beyond the moment a key stops mattering, so that clock rounding never drops live state. */
export const RATE_LIMIT_TTL_MARGIN_MS = 1_000;

const CONSUME = 'infergateRateLimitConsume';
const RELEASE = 'infergateRateLimitRelease';
const USAGE = 'infergateRateLimitUsage';

type Script = (...args: (string | number)[]) => Promise<unknown>;
type ScriptClient = Record<typeof CONSUME | typeof RELEASE | typeof USAGE, Script>;

/**
 * Exact across replicas: one Lua script per decision (EVALSHA, EVAL on NOSCRIPT — ioredis
 * defineCommand), all scopes in one round trip, server time, every key with a TTL. Errors (Redis
 * down, command timeout) reach the caller: ResilientRateLimitStore decides what they mean.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly scripts: ScriptClient;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix = '',
  ) {
    const defined = redis as unknown as Partial<ScriptClient>;
    if (!defined[CONSUME]) redis.defineCommand(CONSUME, { lua: CONSUME_LUA });
    if (!defined[RELEASE]) redis.defineCommand(RELEASE, { lua: RELEASE_LUA });
    if (!defined[USAGE]) redis.defineCommand(USAGE, { lua: USAGE_LUA });
    this.scripts = redis as unknown as ScriptClient;
  }

  /** Whether the client can send commands now (a closed connection fails at once, without a round trip). */
  isReady(): boolean {
    return this.redis.status === 'ready';
  }

  /** The Redis key of a store key. */
  keyOf(key: string): string {
    return `${this.keyPrefix}${RATE_LIMIT_HASH_TAG}:${key}`;
  }

  async consume(request: RateLimitRequest): Promise<RateLimitDecision> {
    const { buckets, quotas, concurrency } = request;
    const keys = [...buckets, ...quotas, ...concurrency].map((charge) => this.keyOf(charge.key));
    const args: (string | number)[] = [buckets.length, quotas.length, concurrency.length, request.leaseId, RATE_LIMIT_TTL_MARGIN_MS];
    for (const b of buckets) args.push(b.ratePerSecond, b.burst, b.cost);
    for (const q of quotas) args.push(q.limit, Math.ceil(q.cost), q.period);
    for (const c of concurrency) args.push(c.limit, Math.ceil(c.leaseMs));
    const reply = (await this.scripts[CONSUME](keys.length, ...keys, ...args)) as number[];
    const states: LimitState[] = [];
    let at = 3;
    const next = (): [number, number, number] => {
      const triple: [number, number, number] = [Number(reply[at]), Number(reply[at + 1]), Number(reply[at + 2])];
      at += 3;
      return triple;
    };
    for (const b of buckets) {
      const [remaining, resetMs, windowMs] = next();
      states.push({
        name: b.name,
        kind: 'bucket',
        limit: b.burst,
        remaining: Math.max(0, remaining),
        resetSeconds: ceilSeconds(resetMs),
        windowSeconds: ceilSeconds(windowMs, 1),
      });
    }
    for (const q of quotas) {
      const [remaining, resetMs, windowMs] = next();
      states.push({
        name: q.name,
        kind: 'quota',
        limit: q.limit,
        remaining: Math.max(0, remaining),
        resetSeconds: ceilSeconds(resetMs),
        windowSeconds: ceilSeconds(windowMs),
      });
    }
    for (const c of concurrency) {
      const [remaining] = next();
      states.push({
        name: c.name,
        kind: 'concurrency',
        limit: c.limit,
        remaining: Math.max(0, remaining),
        resetSeconds: 0,
        windowSeconds: 0,
      });
    }
    if (Number(reply[0]) === 1) return { allowed: true, states };
    const deniedIndex = Number(reply[1]) - 1;
    return { allowed: false, states, denied: states[deniedIndex], retryAfterSeconds: ceilSeconds(Number(reply[2]), 1) };
  }

  async release(concurrency: readonly ConcurrencyCharge[], leaseId: string): Promise<void> {
    if (concurrency.length === 0) return;
    const keys = concurrency.map((charge) => this.keyOf(charge.key));
    await this.scripts[RELEASE](keys.length, ...keys, leaseId);
  }

  async quotaUsage(quotas: readonly Pick<QuotaCharge, 'key' | 'period'>[]): Promise<number[]> {
    if (quotas.length === 0) return [];
    const keys = quotas.map((quota) => this.keyOf(quota.key));
    const reply = (await this.scripts[USAGE](keys.length, ...keys, ...quotas.map((quota) => quota.period))) as number[];
    return reply.map(Number);
  }
}
