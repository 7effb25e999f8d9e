import { join } from 'node:path';
import { loadPlanSet, parsePlanSet } from './plan-set.loader';

const PLANS = `plans:
  free:
    rateLimits:
      application: { rate: 5, per: second, burst: 10 }
    quotas:
      organization: { day: 100 }
    concurrency:
      model: 2
  enterprise:
    rateLimits:
      application: { rate: 500, per: second, burst: 1000 }
`;
const ASSIGNMENTS = `defaultPlan: free
organizations:
  acme: enterprise
`;

function problems(files: Record<string, string>): string[] {
  const result = parsePlanSet(Object.entries(files).map(([name, text]) => ({ name, text })));
  if (result.ok) throw new Error('expected the set to be refused');
  return result.problems;
}

describe('plan set loader', () => {
  it('loads the shipped plan set', async () => {
    const result = await loadPlanSet(join(__dirname, '../../../../plans'));
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(Object.keys(result.set.plans).sort()).toEqual(['enterprise', 'free', 'standard']);
    expect(result.set.assignments.defaultPlan).toBe('free');
    expect(result.set.version).toMatch(/^[0-9a-f]{64}$/);
  });

  it('versions by content: key order and file split do not matter, a change does', () => {
    const a = parsePlanSet([{ name: 'a.yaml', text: PLANS + ASSIGNMENTS }]);
    const b = parsePlanSet([
      { name: 'assignments.yaml', text: 'organizations:\n  acme: enterprise\ndefaultPlan: free\n' },
      { name: 'plans.yaml', text: PLANS },
    ]);
    const c = parsePlanSet([{ name: 'a.yaml', text: PLANS.replace('burst: 10', 'burst: 11') + ASSIGNMENTS }]);
    if (!a.ok || !b.ok || !c.ok) throw new Error('expected valid sets');
    expect(b.set.version).toBe(a.set.version);
    expect(c.set.version).not.toBe(a.set.version);
    expect(Object.isFrozen(a.set.plans.free.rateLimits)).toBe(true);
  });

  it('refuses unknown keys with their line', () => {
    expect(
      problems({ 'plans.yaml': PLANS.replace('    concurrency:', '    burstiness: 3\n    concurrency:'), 'b.yaml': ASSIGNMENTS }),
    ).toEqual(['plans.yaml:7: at /plans/free/burstiness: unknown key "burstiness"']);
  });

  it('refuses non-positive numbers and unknown periods and scopes, one line each', () => {
    const bad = `plans:
  free:
    rateLimits:
      application: { rate: 0, per: hour, burst: 10 }
      tenant: { rate: 1, per: second, burst: 1 }
    concurrency:
      model: -1
`;
    const lines = problems({ 'plans.yaml': bad, 'b.yaml': ASSIGNMENTS });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^plans\.yaml:4: at \/plans\/free\/rateLimits\/application\/rate: /);
    expect(lines[1]).toMatch(/^plans\.yaml:4: at \/plans\/free\/rateLimits\/application\/per: /);
    expect(lines.find((l) => l.includes('tenant'))).toBe('plans.yaml:5: at /plans/free/rateLimits/tenant: unknown key "tenant"');
    expect(lines.find((l) => l.includes('model'))).toMatch(/^plans\.yaml:7: at \/plans\/free\/concurrency\/model: /);
  });

  it('refuses references to plans that do not exist', () => {
    expect(
      problems({ 'plans.yaml': PLANS, 'b.yaml': 'defaultPlan: gold\norganizations:\n  acme: enterprise\n  globex: platinum\n' }),
    ).toEqual(['b.yaml:1: at /defaultPlan: unknown plan "gold"', 'b.yaml:4: at /organizations/globex: unknown plan "platinum"']);
  });

  it('refuses duplicates across files, a missing defaultPlan and YAML syntax errors', () => {
    expect(problems({ 'a.yaml': PLANS, 'b.yaml': 'plans:\n  free: {}\n' })).toEqual([
      'b.yaml:2: at /plans/free: duplicate plan "free" (first in a.yaml)',
    ]);
    expect(problems({ 'a.yaml': PLANS })).toEqual(['the plan set has no defaultPlan']);
    expect(problems({ 'a.yaml': 'plans: [\n' })[0]).toMatch(/^a\.yaml:\d+: YAML syntax error/);
  });

  it('refuses an override with an unknown part', () => {
    expect(problems({ 'a.yaml': PLANS + ASSIGNMENTS + 'applications:\n  app-1:\n    quota:\n      organization: { day: 5 }\n' })).toEqual([
      'a.yaml:18: at /applications/app-1/quota: unknown key "quota"',
    ]);
  });

  it('names every other mistake where it sits: wrong types, bad plan names, a file that is not a mapping', () => {
    const bad = `plans:
  free:
    rateLimits:
      user: 5
      application: { rate: fast, per: second, burst: 2.5 }
  Bad_Name:
    quotas: { organization: { day: "10" } }
defaultPlan: free
organizations:
  acme: 3
`;
    expect(problems({ 'p.yaml': bad })).toEqual([
      'p.yaml:4: at /plans/free/rateLimits/user: must be a mapping',
      'p.yaml:5: at /plans/free/rateLimits/application/rate: must be a positive number',
      'p.yaml:5: at /plans/free/rateLimits/application/burst: must be a positive integer',
      'p.yaml:7: at /plans/Bad_Name: a plan name is lower-case letters, digits and "-"',
      'p.yaml:7: at /plans/Bad_Name/quotas/organization/day: must be a positive integer',
      'p.yaml:10: at /organizations/acme: must be a plan name',
    ]);
    expect(problems({ 'q.yaml': '- a\n- b\n' })).toEqual([
      'q.yaml:1: at /: a plan file is a mapping (plans, defaultPlan, organizations, …)',
    ]);
  });
});
