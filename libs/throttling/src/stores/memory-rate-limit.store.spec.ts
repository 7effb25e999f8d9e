import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { rateLimitStoreContract } from './rate-limit-store.contract';

rateLimitStoreContract(MemoryRateLimitStore.name, () => new MemoryRateLimitStore());

describe(`${MemoryRateLimitStore.name} with a controlled clock`, () => {
  let now: number;
  let sut: MemoryRateLimitStore;
  const bucket = { name: 'user', key: 'bucket:user:u1', ratePerSecond: 2, burst: 4, cost: 1 };
  const req = (parts: Record<string, unknown>) => ({ buckets: [], quotas: [], concurrency: [], leaseId: 'l', ...parts });

  beforeEach(() => {
    now = Date.UTC(2026, 10, 30, 23, 59, 59, 500);
    sut = new MemoryRateLimitStore({ now: () => now, sweepIntervalMs: 1_000 });
  });

  it('refills by elapsed milliseconds × rate', () => {
    for (let i = 0; i < 4; i++) sut.decide(req({ buckets: [bucket] }));
    expect(sut.decide(req({ buckets: [bucket] })).allowed).toBe(false);
    now += 499;
    expect(sut.decide(req({ buckets: [bucket] })).allowed).toBe(false);
    now += 1;
    const decision = sut.decide(req({ buckets: [bucket] }));
    expect(decision.allowed).toBe(true);
    expect(decision.states[0]).toMatchObject({ remaining: 0, resetSeconds: 2, windowSeconds: 2 });
  });

  it('starts new day and month quotas at the UTC boundary', () => {
    const day = { name: 'org-day', key: 'quota:org:o1', limit: 1, period: 'day' as const, cost: 1 };
    const month = { name: 'org-month', key: 'quota:org:o1', limit: 1, period: 'month' as const, cost: 1 };
    expect(sut.decide(req({ quotas: [day, month] })).allowed).toBe(true);
    const refused = sut.decide(req({ quotas: [day] }));
    expect(refused.retryAfterSeconds).toBe(1);
    expect(refused.denied?.resetSeconds).toBe(1);
    now += 500; // 2026-12-01T00:00:00Z
    const next = sut.decide(req({ quotas: [day, month] }));
    expect(next.allowed).toBe(true);
    expect(next.states.map((s) => s.windowSeconds)).toEqual([86_400, 31 * 86_400]);
  });

  it('frees a concurrency slot exactly when its lease expires, also after earlier leases were released', async () => {
    const lease = { name: 'model', key: 'concurrency:model:m', limit: 2, leaseMs: 1_000 };
    const take = (leaseId: string) => sut.decide({ ...req({ concurrency: [lease] }), leaseId });
    expect(take('a').allowed).toBe(true); // expires at +1000
    now += 500;
    expect(take('b').allowed).toBe(true); // expires at +1500
    expect(take('c').allowed).toBe(false);
    now += 100;
    await sut.release([lease], 'a');
    now += 400; // +1000: a's expiry, though a is gone already
    expect(take('c').allowed).toBe(true); // b and c held
    const refused = take('d');
    expect(refused.allowed).toBe(false);
    expect(refused.denied).toMatchObject({ kind: 'concurrency', remaining: 0 });
    now += 499; // +1499: b still held
    expect(take('d').allowed).toBe(false);
    now += 1; // +1500: b expired
    const admitted = take('d');
    expect(admitted.allowed).toBe(true);
    expect(admitted.states[0]).toMatchObject({ kind: 'concurrency', remaining: 0 });
    expect(take('c').allowed).toBe(true); // a lease already held is renewed, not refused
  });

  it('forgets idle state: full buckets, past periods, expired leases', () => {
    const lease = { name: 'model', key: 'inflight:model:m', limit: 1, leaseMs: 1_000 };
    const quota = { name: 'org-day', key: 'quota:org:o2', limit: 5, period: 'day' as const, cost: 1 };
    for (let i = 0; i < 1000; i++) sut.decide(req({ buckets: [{ ...bucket, key: `bucket:user:${i}` }] }));
    sut.decide(req({ concurrency: [lease], quotas: [quota] }));
    expect(sut.size).toBe(1002);
    now += 2_000; // buckets full again (0.5 s), leases expired, and a new day
    sut.decide(req({}));
    expect(sut.size).toBe(0);
  });
});
