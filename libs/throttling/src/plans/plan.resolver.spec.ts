import { parsePlanSet } from './plan-set.loader';
import { PlanResolver } from './plan.resolver';
import type { PlanSource } from './plan.types';

const SET = `plans:
  free:
    rateLimits:
      application: { rate: 5, per: second, burst: 10 }
      user: { rate: 1, per: second, burst: 2 }
    quotas:
      organization: { day: 100, month: 1000 }
    concurrency:
      model: 2
  enterprise:
    rateLimits:
      application: { rate: 500, per: second, burst: 1000 }
    concurrency:
      organization: 50
defaultPlan: free
organizations:
  acme: enterprise
  org-id-7: free
projects:
  p1:
    rateLimits:
      application: { rate: 50, per: second, burst: 100 }
    quotas:
      organization: { day: 500 }
    concurrency:
      model: 8
applications:
  a1:
    rateLimits:
      application: { rate: 7, per: minute, burst: 7 }
    concurrency:
      model: 3
`;

describe(PlanResolver.name, () => {
  const parsed = parsePlanSet([{ name: 'plans.yaml', text: SET }]);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const source: PlanSource = { current: () => parsed.set, onChange: () => undefined };
  const sut = new PlanResolver(source);

  it('finds the organization plan by id, then by name, else the default', () => {
    expect(sut.limitsFor({ orgId: 'x', orgName: 'acme' }).plan).toBe('enterprise');
    expect(sut.limitsFor({ orgId: 'org-id-7', orgName: 'acme' }).plan).toBe('free');
    expect(sut.limitsFor({ orgId: 'y', orgName: 'unknown' }).plan).toBe('free');
  });

  it('applies the project override, then the application override (most specific wins)', () => {
    const project = sut.limitsFor({ orgId: 'y', projectId: 'p1' });
    expect(project.rateLimits.application).toEqual({ rate: 50, per: 'second', burst: 100 });
    expect(project.quotas.organization).toEqual({ day: 500, month: 1000 });
    expect(project.concurrency.model).toBe(8);
    const both = sut.limitsFor({ orgId: 'y', projectId: 'p1', applicationId: 'a1' });
    expect(both).toMatchObject({
      plan: 'free',
      rateLimits: { application: { rate: 7, per: 'minute', burst: 7 }, user: { rate: 1, per: 'second', burst: 2 } },
      quotas: { organization: { day: 500, month: 1000 } },
      concurrency: { model: 3 },
    });
  });

  it('overrides on top of any plan and never change the plan set', () => {
    const limits = sut.limitsFor({ orgId: 'x', orgName: 'acme', applicationId: 'a1' });
    expect(limits.rateLimits.application?.burst).toBe(7);
    expect(limits.concurrency).toEqual({ organization: 50, model: 3 });
    expect(parsed.set.plans.enterprise.concurrency).toEqual({ organization: 50 });
  });
});
