import type { PlanLimits } from '../rate-limit.types';
import { buildRateLimitRequest, ratePerSecond } from './charges';

const full: PlanLimits = {
  rateLimits: {
    user: { rate: 60, per: 'minute', burst: 10 },
    application: { rate: 5, per: 'second', burst: 20 },
    project: { rate: 50, per: 'second', burst: 100 },
    organization: { rate: 100, per: 'second', burst: 200 },
    model: { rate: 30, per: 'second', burst: 60 },
    global: { rate: 1000, per: 'second', burst: 2000 },
  },
  quotas: { organization: { day: 1000, month: 20000 }, application: { day: 100 } },
  concurrency: { organization: 8, model: 4 },
};
const app = { kind: 'application' as const, subject: 'app-1', orgId: 'org-1', projectIds: ['p-1', 'p-2'] };

describe('buildRateLimitRequest', () => {
  it('charges an application every scope that applies, in one request', () => {
    const request = buildRateLimitRequest({ principal: app, limits: full, leaseMs: 5000, leaseId: 'L' });
    expect(request.leaseId).toBe('L');
    expect(request.buckets).toEqual([
      { name: 'application', key: 'bucket:application:app-1', ratePerSecond: 5, burst: 20, cost: 1 },
      { name: 'project', key: 'bucket:project:p-1', ratePerSecond: 50, burst: 100, cost: 1 },
      { name: 'organization', key: 'bucket:organization:org-1', ratePerSecond: 100, burst: 200, cost: 1 },
      { name: 'global', key: 'bucket:global', ratePerSecond: 1000, burst: 2000, cost: 1 },
    ]);
    expect(request.quotas).toEqual([
      { name: 'organization-day', key: 'quota:organization:org-1:day', limit: 1000, period: 'day', cost: 1 },
      { name: 'organization-month', key: 'quota:organization:org-1:month', limit: 20000, period: 'month', cost: 1 },
      { name: 'application-day', key: 'quota:application:app-1:day', limit: 100, period: 'day', cost: 1 },
    ]);
    expect(request.concurrency).toEqual([
      { name: 'organization-concurrency', key: 'concurrency:organization:org-1', limit: 8, leaseMs: 5000 },
    ]);
  });

  it('charges a user its user bucket, not an application one, and the model scopes when the route names a model', () => {
    const request = buildRateLimitRequest({
      principal: { kind: 'user', subject: 'u-1', orgId: 'org-1', projectIds: [] },
      limits: full,
      leaseMs: 1000,
      leaseId: 'L',
      model: 'resnet',
      cost: 3,
    });
    expect(request.buckets.map((b) => b.key)).toEqual([
      'bucket:user:u-1',
      'bucket:organization:org-1',
      'bucket:model:resnet',
      'bucket:global',
    ]);
    expect(request.buckets[0].ratePerSecond).toBe(1);
    expect(request.quotas.map((q) => [q.name, q.cost])).toEqual([
      ['organization-day', 3],
      ['organization-month', 3],
    ]);
    expect(request.concurrency.map((c) => c.key)).toEqual(['concurrency:organization:org-1', 'concurrency:model:resnet']);
  });

  it('charges only what the plan sets, and nothing organizational without an organization', () => {
    const request = buildRateLimitRequest({
      principal: { ...app, orgId: null, projectIds: [] },
      limits: {
        rateLimits: { application: { rate: 1, per: 'second', burst: 5 } },
        quotas: { organization: { day: 5 } },
        concurrency: { organization: 2 },
      },
      leaseMs: 1000,
      leaseId: 'L',
    });
    expect(request).toEqual({
      buckets: [{ name: 'application', key: 'bucket:application:app-1', ratePerSecond: 1, burst: 5, cost: 1 }],
      quotas: [],
      concurrency: [],
      leaseId: 'L',
    });
  });

  it('converts per-minute rates to per-second', () => {
    expect(ratePerSecond({ rate: 120, per: 'minute' })).toBe(2);
    expect(ratePerSecond({ rate: 3, per: 'second' })).toBe(3);
  });
});
