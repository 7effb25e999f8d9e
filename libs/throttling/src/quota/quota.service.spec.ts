import { validateOptions } from '@infergate/common';
import { ThrottlingModuleOptions } from '../throttling.options';
import type { Principal } from '@infergate/contracts';
import type { OrganizationNames } from '../guard/organization-names';
import { QuotaExhaustedException } from '../guard/rate-limit.errors';
import type { PlanResolver } from '../plans';
import type { LimitState, RateLimitDecision, RateLimitRequest, RateLimitStore } from '../rate-limit.types';
import { QuotaService, type ResolvedLimits, type ThrottledRequest } from './quota.service';

const principal = { kind: 'application', subject: 'app-1', orgId: 'org-1', projectIds: [] } as unknown as Principal;
const limits: ResolvedLimits = {
  plan: 'metered',
  rateLimits: { application: { rate: 1, per: 'second', burst: 5 } },
  quotas: { application: { day: 10 }, organization: { month: 100 } },
  concurrency: { organization: 2 },
};

function setup(decision: RateLimitDecision) {
  const consumed: RateLimitRequest[] = [];
  const store: RateLimitStore = {
    consume: (request) => {
      consumed.push(request);
      return Promise.resolve(decision);
    },
    release: () => Promise.resolve(),
    quotaUsage: () => Promise.resolve([]),
  };
  const plans = { limitsFor: jest.fn(() => limits) } as unknown as PlanResolver;
  const organizations = { nameOf: jest.fn(() => Promise.resolve('org-name')) } as unknown as OrganizationNames;
  const sut = new QuotaService(plans, organizations, store, validateOptions(ThrottlingModuleOptions, { leaseMs: 1000 }, 'throttling'));
  return { sut, consumed, plans };
}

describe(QuotaService.name, () => {
  it('charges additional units against the quotas only, with the limits the guard resolved', async () => {
    const { sut, consumed, plans } = setup({ allowed: true, states: [] });
    const request = { principal, rateLimit: { plan: 'metered', limits, decision: { allowed: true, states: [] } } } as ThrottledRequest;
    await sut.chargeUnits(request, 7);
    expect(plans.limitsFor).not.toHaveBeenCalled();
    expect(consumed).toHaveLength(1);
    expect(consumed[0].buckets).toEqual([]);
    expect(consumed[0].concurrency).toEqual([]);
    expect(consumed[0].quotas.map((q) => [q.name, q.cost])).toEqual([
      ['organization-month', 7],
      ['application-day', 7],
    ]);
  });

  it('resolves the plan itself for a request the guard did not see, and charges nothing for no units', async () => {
    const { sut, consumed, plans } = setup({ allowed: true, states: [] });
    await sut.chargeUnits({ principal }, 0);
    expect(consumed).toHaveLength(0);
    await sut.chargeUnits({ principal }, 2);
    expect(plans.limitsFor).toHaveBeenCalledWith({ orgId: 'org-1', orgName: 'org-name', applicationId: 'app-1' });
    expect(consumed).toHaveLength(1);
  });

  it('refuses units a quota cannot cover with the quota-exhausted problem', async () => {
    const denied: LimitState = { name: 'application-day', kind: 'quota', limit: 10, remaining: 3, resetSeconds: 60, windowSeconds: 86400 };
    const { sut } = setup({ allowed: false, states: [denied], denied, retryAfterSeconds: 60 });
    const error = (await sut.chargeUnits({ principal }, 5).catch((e: unknown) => e)) as QuotaExhaustedException;
    expect(error).toBeInstanceOf(QuotaExhaustedException);
    expect(error.extensions).toMatchObject({ quota: 'application-day', limit: 10 });
  });
});
