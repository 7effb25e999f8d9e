/**
 * Per-request cost of the rate-limit guard's own work (issue 15, Build item 4): RateLimitGuard through
 * ThrottlerGuard.canActivate as designed (its per-route cached Reflector), against the bypass the guard
 * used before (canActivate overridden to charge directly; kept here only as the baseline), and against
 * the base class with Nest's plain Reflector (what the cache saves). The store answers at once with a
 * fixed decision, so what is measured is the guard, not the store (bench/rate-limit.bench.ts measures
 * the stores). Interleaved rounds in one process.
 *
 *   node -r @swc-node/register bench/throttler-guard.bench.ts [iterations]
 *
 * Reports CPU ns per call (median of the rounds) and the ratios to the bypass.
 */
import 'reflect-metadata';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ThrottlerModuleOptions, ThrottlerRequest } from '@nestjs/throttler';
import { EventEmitter } from 'node:events';
import { validateOptions } from '@infergate/common';
import { ThrottlingModuleOptions } from '@infergate/throttling';
import { IS_PUBLIC_KEY, RouteMetadataCache } from '@infergate/common';
import type { Principal } from '@infergate/contracts';
import { withSpan } from '@infergate/observability';
import type { OrganizationNames } from '../libs/throttling/src/guard/organization-names';
import { PLAN_THROTTLER, RateLimitGuard } from '../libs/throttling/src/guard/rate-limit.guard';
import { RateLimitThrottlerStorage } from '../libs/throttling/src/guard/throttler-storage.adapter';
import type { PlanResolver } from '../libs/throttling/src/plans';
import { QuotaService, type ResolvedLimits } from '../libs/throttling/src/quota/quota.service';
import type { RateLimitDecision, RateLimitStore } from '../libs/throttling/src/rate-limit.types';

const iterations = Math.max(50_000, Number(process.argv[2] ?? 0) || 0);
const ROUNDS = 7;

const principal = { kind: 'application', subject: 'app-1', orgId: 'org-1', projectIds: ['proj-1'] } as unknown as Principal;
const limits: ResolvedLimits = {
  plan: 'standard',
  rateLimits: { application: { rate: 100, per: 'second', burst: 200 }, organization: { rate: 1000, per: 'second', burst: 2000 } },
  quotas: { organization: { day: 1_000_000 } },
  concurrency: {},
};
const decision: RateLimitDecision = {
  allowed: true,
  states: [{ name: 'application', kind: 'bucket', limit: 200, remaining: 150, resetSeconds: 1, windowSeconds: 2 }],
};
const decided = Promise.resolve(decision);
const store: RateLimitStore = {
  consume: () => decided,
  release: () => Promise.resolve(),
  quotaUsage: () => Promise.resolve([]),
};
const orgName = Promise.resolve('acme');
const options: ThrottlerModuleOptions = {
  throttlers: [{ name: PLAN_THROTTLER, limit: Number.POSITIVE_INFINITY, ttl: 60_000 }],
  setHeaders: false,
};

function quotaService(): QuotaService {
  return new QuotaService(
    { limitsFor: () => limits } as unknown as PlanResolver,
    { nameOf: () => orgName } as unknown as OrganizationNames,
    store,
    validateOptions(ThrottlingModuleOptions, { leaseMs: 30_000 }, 'throttling'),
  );
}

/** The guard as it was before: canActivate overridden, exempt routes read once per route, then straight to the charge. */
class BypassGuard extends RateLimitGuard {
  private readonly exempt = new RouteMetadataCache((targets) => this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true);

  override canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || this.exempt.of(context)) return Promise.resolve(true);
    const props: ThrottlerRequest = {
      context,
      limit: Number.POSITIVE_INFINITY,
      ttl: 60_000,
      blockDuration: 60_000,
      throttler: this.throttlers[0],
      getTracker: this.commonOptions.getTracker!,
      generateKey: this.commonOptions.generateKey!,
    };
    // handleRequest wraps the charge in withSpan as the old canActivate did; tracing is off here.
    return withSpan('bypass', () => this.handleRequest(props));
  }
}

/** The base class's canActivate with Nest's own Reflector (six uncached metadata reads per request). */
class UncachedGuard extends RateLimitGuard {
  constructor(reflector: Reflector) {
    super(options, new RateLimitThrottlerStorage(store), reflector, quotaService());
    // The parent handed the base class its caching reflector; put the plain one back for comparison.
    (this as unknown as { reflector: Reflector }).reflector = reflector;
  }
}

class InferenceController {
  infer(): void {}
}

const request = { principal, params: { model: 'resnet' } };
const reply = { raw: Object.assign(new EventEmitter(), { destroyed: false, writableFinished: false }), headers: () => reply };
const http = { getRequest: () => request, getResponse: () => reply };
const context = {
  getType: () => 'http',
  getHandler: () => InferenceController.prototype.infer,
  getClass: () => InferenceController,
  switchToHttp: () => http,
} as unknown as ExecutionContext;

/** CPU time (user + system) per call: on a shared machine, less noisy than wall time. */
async function nsPerCall(guard: RateLimitGuard): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i += 1) await guard.canActivate(context);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / iterations;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const reflector = new Reflector();
  const guards = {
    'bypass of ThrottlerGuard.canActivate (before)': new BypassGuard(
      options,
      new RateLimitThrottlerStorage(store),
      reflector,
      quotaService(),
    ),
    'ThrottlerGuard.canActivate, cached Reflector (now)': new RateLimitGuard(
      options,
      new RateLimitThrottlerStorage(store),
      reflector,
      quotaService(),
    ),
    'ThrottlerGuard.canActivate, plain Reflector': new UncachedGuard(reflector),
  };
  const entries = Object.entries(guards);
  for (const [, guard] of entries) await guard.onModuleInit();
  for (const [, guard] of entries) await nsPerCall(guard);
  const samples = new Map<string, number[]>(entries.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, guard] of entries) samples.get(name)!.push(await nsPerCall(guard));
  }
  const baseline = median(samples.get(entries[0][0])!);
  for (const [name] of entries) {
    const ns = median(samples.get(name)!);
    process.stdout.write(
      `${name.padEnd(52)} ${ns.toFixed(0).padStart(7)} ns/call CPU  ×${(ns / baseline).toFixed(2)} (median of ${ROUNDS})\n`,
    );
  }
}

void main();
