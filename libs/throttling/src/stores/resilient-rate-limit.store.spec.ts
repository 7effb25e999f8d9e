import { Logger } from '@nestjs/common';
import { ServiceUnavailableException } from '@infergate/common';
import type { ResilientConfig } from './resilient-rate-limit.store';
import type { RateLimitRequest, RateLimitStore } from '../rate-limit.types';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { divide, RATE_LIMIT_REDIS_TIMEOUT_MS, ResilientRateLimitStore } from './resilient-rate-limit.store';

const config = (failMode: 'fail-closed' | 'fail-open', expectedReplicas = 4) =>
  ({ throttling: { failMode, expectedReplicas } }) satisfies ResilientConfig;

const request = (leaseId = 'l'): RateLimitRequest => ({
  buckets: [{ name: 'application', key: 'bucket:application:a', ratePerSecond: 8, burst: 10, cost: 1 }],
  quotas: [{ name: 'org-day', key: 'quota:organization:o', limit: 7, period: 'day', cost: 1 }],
  concurrency: [{ name: 'model', key: 'inflight:model:m', limit: 2, leaseMs: 1000 }],
  leaseId,
});

function failing(mode: 'throw' | 'hang' | 'not-ready'): RateLimitStore & { isReady(): boolean; calls: number } {
  const never = new Promise<never>(() => undefined);
  const shared = {
    calls: 0,
    isReady: () => mode !== 'not-ready',
    consume: () => {
      shared.calls += 1;
      return mode === 'hang' ? never : Promise.reject(new Error('ECONNREFUSED'));
    },
    release: () => (mode === 'hang' ? never : Promise.reject(new Error('ECONNREFUSED'))),
    quotaUsage: () => Promise.reject(new Error('ECONNREFUSED')),
  };
  return shared;
}

describe(ResilientRateLimitStore.name, () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it.each(['throw', 'not-ready'] as const)('fail-closed: a 503 problem at once when Redis does %s', async (mode) => {
    const shared = failing(mode);
    const sut = new ResilientRateLimitStore(shared, config('fail-closed'));
    const start = performance.now();
    await expect(sut.consume(request())).rejects.toBeInstanceOf(ServiceUnavailableException);
    expect(performance.now() - start).toBeLessThan(60);
    expect(shared.calls).toBe(mode === 'not-ready' ? 0 : 1);
    await expect(sut.quotaUsage([{ key: 'q', period: 'day' }])).rejects.toMatchObject({ status: 503 });
    await expect(sut.release(request().concurrency, 'l')).resolves.toBeUndefined();
  });

  it('fail-closed: a 503 problem after 50 ms when Redis hangs (measured in real time by the integration suite)', async () => {
    // The deadline's last step is one real turn of the event loop (setImmediate), so that is not faked.
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const sut = new ResilientRateLimitStore(failing('hang'), config('fail-closed'));
      let outcome: unknown;
      sut.consume(request()).then(
        () => (outcome = 'allowed'),
        (error: unknown) => (outcome = error),
      );
      await jest.advanceTimersByTimeAsync(RATE_LIMIT_REDIS_TIMEOUT_MS - 1);
      expect(outcome).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(outcome).toBeInstanceOf(ServiceUnavailableException);
    } finally {
      jest.useRealTimers();
    }
  });

  it('fail-open: decides locally with every limit divided by the expected replicas', async () => {
    const sut = new ResilientRateLimitStore(failing('throw'), config('fail-open', 4));
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await sut.consume(request(`l${i}`)));
    expect(decisions.map((d) => d.allowed)).toEqual([true, false, false, false, false]);
    expect(decisions[0].states.map((s) => s.limit)).toEqual([2, 1, 1]); // burst 10/4, quota 7/4, concurrency 2/4 (at least 1)
    expect(decisions[1].denied?.name).toBe('org-day');
    expect(sut.isDegraded).toBe(true);
  });

  it('waits past 50 ms for a store that is busy answering other decisions, instead of failing closed', async () => {
    const memory = new MemoryRateLimitStore();
    let call = 0;
    const busy: RateLimitStore = {
      consume: async (req) => {
        call += 1;
        // The first decision is queued behind a burst (150 ms); the others answer meanwhile.
        await new Promise((resolve) => setTimeout(resolve, call === 1 ? 150 : 10 * call));
        return memory.consume(req);
      },
      release: () => Promise.resolve(),
      quotaUsage: () => Promise.resolve([]),
    };
    const sut = new ResilientRateLimitStore(busy, config('fail-closed'));
    const slow = sut.consume(request('slow'));
    const others = Promise.all([2, 3, 4, 5].map((i) => sut.consume(request(`other-${i}`))));
    await expect(slow).resolves.toMatchObject({ allowed: expect.any(Boolean) });
    await others;
    expect(sut.isDegraded).toBe(false);
  });

  it('passes decisions to the shared store when it answers, and recovers after a failure', async () => {
    let down = true;
    const memory = new MemoryRateLimitStore();
    const shared: RateLimitStore = {
      consume: (r) => (down ? Promise.reject(new Error('down')) : memory.consume(r)),
      release: (c, l) => memory.release(c, l),
      quotaUsage: (q) => memory.quotaUsage(q),
    };
    const sut = new ResilientRateLimitStore(shared, config('fail-open', 1));
    expect((await sut.consume(request('a'))).allowed).toBe(true);
    expect(await memory.quotaUsage(request().quotas)).toEqual([0]);
    down = false;
    expect((await sut.consume(request('b'))).allowed).toBe(true);
    expect(await memory.quotaUsage(request().quotas)).toEqual([1]);
    expect(sut.isDegraded).toBe(false);
  });

  it('divide keeps the request as is for one replica and never divides a count below 1', () => {
    const r = request();
    expect(divide(r, 1)).toBe(r);
    expect(divide(r, 100).buckets[0]).toMatchObject({ ratePerSecond: 0.08, burst: 1 });
  });
});
