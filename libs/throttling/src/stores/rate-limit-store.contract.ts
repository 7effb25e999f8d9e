import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BucketCharge, ConcurrencyCharge, QuotaCharge, RateLimitRequest, RateLimitStore } from '../rate-limit.types';
import { quotaPeriod } from './periods';

export interface RateLimitContractOptions {
  /** Extra stores on the same shared state (other replicas), for the exactness test; defaults to the store itself. */
  replicas?: () => Promise<RateLimitStore[]> | RateLimitStore[];
}

let unique = 0;
/** A key no other test (or run) uses. */
function key(kind: string): string {
  unique += 1;
  return `${kind}:${randomUUID().slice(0, 8)}-${unique}`;
}

function bucket(over: Partial<BucketCharge> = {}): BucketCharge {
  return { name: 'application', key: key('bucket'), ratePerSecond: 10, burst: 3, cost: 1, ...over };
}

function quota(over: Partial<QuotaCharge> = {}): QuotaCharge {
  return { name: 'organization-day', key: key('quota'), limit: 5, period: 'day', cost: 1, ...over };
}

function concurrency(over: Partial<ConcurrencyCharge> = {}): ConcurrencyCharge {
  return { name: 'model', key: key('inflight'), limit: 2, leaseMs: 60_000, ...over };
}

function request(parts: Partial<RateLimitRequest>): RateLimitRequest {
  return { buckets: [], quotas: [], concurrency: [], leaseId: randomUUID(), ...parts };
}

/** The behaviour every RateLimitStore must have; run against the memory store and against Redis. */
export function rateLimitStoreContract(
  name: string,
  create: () => Promise<RateLimitStore> | RateLimitStore,
  options: RateLimitContractOptions = {},
): void {
  describe(`${name} (RateLimitStore contract)`, () => {
    let sut: RateLimitStore;

    beforeEach(async () => {
      sut = await create();
    });

    it('admits a full burst, then refuses with Retry-After ≥ 1 and the bucket named', async () => {
      const b = bucket({ ratePerSecond: 1, burst: 3 });
      const remaining: number[] = [];
      for (let i = 0; i < 3; i++) {
        const decision = await sut.consume(request({ buckets: [b] }));
        expect(decision.allowed).toBe(true);
        remaining.push(decision.states[0].remaining);
      }
      expect(remaining).toEqual([2, 1, 0]);
      const refused = await sut.consume(request({ buckets: [b] }));
      expect(refused.allowed).toBe(false);
      expect(refused.denied).toMatchObject({ name: 'application', kind: 'bucket', limit: 3, remaining: 0, windowSeconds: 3 });
      expect(refused.retryAfterSeconds).toBe(1);
      expect(refused.denied!.resetSeconds).toBe(3);
    });

    it('refills continuously with millisecond precision, never above the burst', async () => {
      const b = bucket({ ratePerSecond: 4, burst: 2 });
      expect((await sut.consume(request({ buckets: [b] }))).allowed).toBe(true);
      expect((await sut.consume(request({ buckets: [b] }))).allowed).toBe(true);
      expect((await sut.consume(request({ buckets: [b] }))).allowed).toBe(false);
      await sleep(300); // 4/s: one token per 250 ms
      expect((await sut.consume(request({ buckets: [b] }))).allowed).toBe(true);
      expect((await sut.consume(request({ buckets: [b] }))).allowed).toBe(false);
      await sleep(1_000); // would be 4 tokens; the burst caps it at 2
      const first = await sut.consume(request({ buckets: [b] }));
      expect(first.states[0].remaining).toBe(1);
    });

    it('charges the request cost', async () => {
      const b = bucket({ ratePerSecond: 1, burst: 10 });
      const decision = await sut.consume(request({ buckets: [{ ...b, cost: 7 }] }));
      expect(decision.states[0].remaining).toBe(3);
      const refused = await sut.consume(request({ buckets: [{ ...b, cost: 5 }] }));
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterSeconds).toBe(2);
    });

    it('is all-or-nothing: a refusing quota leaves every bucket untouched', async () => {
      const user = bucket({ name: 'user', burst: 5, ratePerSecond: 0.001 });
      const app = bucket({ name: 'application', burst: 5, ratePerSecond: 0.001 });
      const q = quota({ limit: 1 });
      const c = concurrency({ limit: 5 });
      expect((await sut.consume(request({ buckets: [user, app], quotas: [q], concurrency: [c] }))).allowed).toBe(true);
      const refused = await sut.consume(request({ buckets: [user, app], quotas: [q], concurrency: [c] }));
      expect(refused.allowed).toBe(false);
      expect(refused.denied).toMatchObject({ name: 'organization-day', kind: 'quota', limit: 1, remaining: 0 });
      expect(refused.states.map((s) => [s.name, s.remaining])).toEqual([
        ['user', 4],
        ['application', 4],
        ['organization-day', 0],
        ['model', 4],
      ]);
      const next = await sut.consume(request({ buckets: [user, app] }));
      expect(next.states.map((s) => s.remaining)).toEqual([3, 3]);
      const lease = await sut.consume(request({ concurrency: [c] }));
      expect(lease.states[0].remaining).toBe(3);
    });

    it('is all-or-nothing: a refusing bucket charges no quota and takes no lease', async () => {
      const empty = bucket({ burst: 1, ratePerSecond: 0.001 });
      const q = quota({ limit: 10 });
      const c = concurrency({ limit: 1 });
      await sut.consume(request({ buckets: [empty] }));
      const refused = await sut.consume(request({ buckets: [empty], quotas: [q], concurrency: [c] }));
      expect(refused.allowed).toBe(false);
      expect(refused.denied?.kind).toBe('bucket');
      expect(await sut.quotaUsage([q])).toEqual([0]);
      expect((await sut.consume(request({ concurrency: [c] }))).allowed).toBe(true);
    });

    it('counts quotas per UTC calendar period and reports when they reset', async () => {
      const day = quota({ name: 'organization-day', limit: 3, period: 'day', cost: 2 });
      const month = quota({ name: 'organization-month', key: day.key, limit: 100, period: 'month', cost: 2 });
      const now = Date.now();
      const dayPeriod = quotaPeriod('day', now);
      const monthPeriod = quotaPeriod('month', now);
      const first = await sut.consume(request({ quotas: [day, month] }));
      expect(first.allowed).toBe(true);
      expect(first.states[0]).toMatchObject({ kind: 'quota', limit: 3, remaining: 1, windowSeconds: 86_400 });
      expect(first.states[1]).toMatchObject({ limit: 100, remaining: 98, windowSeconds: (monthPeriod.endMs - monthPeriod.startMs) / 1000 });
      expect(Math.abs(first.states[0].resetSeconds - (dayPeriod.endMs - now) / 1000)).toBeLessThanOrEqual(2);
      const refused = await sut.consume(request({ quotas: [day, month] }));
      expect(refused.allowed).toBe(false);
      expect(refused.denied?.name).toBe('organization-day');
      expect(Math.abs(refused.retryAfterSeconds! - (dayPeriod.endMs - now) / 1000)).toBeLessThanOrEqual(2);
      expect(await sut.quotaUsage([day, month, quota()])).toEqual([2, 2, 0]);
      // A request that fits the rest of the quota is still admitted.
      expect((await sut.consume(request({ quotas: [{ ...day, cost: 1 }] }))).allowed).toBe(true);
      expect(await sut.quotaUsage([day])).toEqual([3]);
    });

    it('limits concurrency, frees slots on release and when leases expire', async () => {
      const c = concurrency({ limit: 2, leaseMs: 600 });
      const a = request({ concurrency: [c] });
      const b = request({ concurrency: [c] });
      expect((await sut.consume(a)).states[0].remaining).toBe(1);
      expect((await sut.consume(b)).states[0].remaining).toBe(0);
      const refused = await sut.consume(request({ concurrency: [c] }));
      expect(refused.allowed).toBe(false);
      expect(refused.denied).toMatchObject({ kind: 'concurrency', name: 'model', limit: 2, remaining: 0, resetSeconds: 0 });
      expect(refused.retryAfterSeconds).toBe(1);
      await sut.release([c], a.leaseId);
      expect((await sut.consume(request({ concurrency: [c] }))).allowed).toBe(true);
      expect((await sut.consume(request({ concurrency: [c] }))).allowed).toBe(false);
      await sleep(700); // every lease has expired: a crashed replica does not hold slots forever
      const after = await sut.consume(request({ concurrency: [c] }));
      expect(after.allowed).toBe(true);
      expect(after.states[0].remaining).toBe(1);
    });

    it('release of an unknown lease changes nothing', async () => {
      const c = concurrency({ limit: 1 });
      const held = request({ concurrency: [c] });
      await sut.consume(held);
      await sut.release([c], 'someone-else');
      expect((await sut.consume(request({ concurrency: [c] }))).allowed).toBe(false);
      await sut.release([c], held.leaseId);
      expect((await sut.consume(request({ concurrency: [c] }))).allowed).toBe(true);
    });

    it('admits exactly N of 500 concurrent requests against a bucket admitting N', async () => {
      const stores = options.replicas ? await options.replicas() : [sut];
      for (const n of [1, 37, 250]) {
        const b = bucket({ burst: n, ratePerSecond: 0.0001 });
        const q = quota({ limit: 1_000_000 });
        const decisions = await Promise.all(
          Array.from({ length: 500 }, (_, i) => stores[i % stores.length].consume(request({ buckets: [b], quotas: [q] }))),
        );
        expect(decisions.filter((d) => d.allowed)).toHaveLength(n);
        expect(await sut.quotaUsage([q])).toEqual([n]);
      }
    });
  });
}
