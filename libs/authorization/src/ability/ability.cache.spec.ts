import type { PolicyRule } from '../policy/policy.types';
import { TestPolicySource, testPolicySet, testPrincipal } from './ability-testing';
import { AbilityCache } from './ability.cache';

const readPlans: PolicyRule = { id: 'read-plans', effect: 'allow', roles: ['*'], actions: ['read'], subject: 'Plan' };
const readModels: PolicyRule = { id: 'read-models', effect: 'allow', roles: ['*'], actions: ['read'], subject: 'Model' };

describe(AbilityCache.name, () => {
  it('builds once per distinct principal attributes, whatever the principal object', () => {
    const sut = new AbilityCache(new TestPolicySource(testPolicySet([readPlans])));

    const first = sut.forPrincipal(testPrincipal());
    const again = sut.forPrincipal(testPrincipal());

    expect(again.ability).toBe(first.ability);
    expect(sut.size).toBe(1);
  });

  it.each([
    ['subject', { subject: 'app-2' }],
    ['org', { orgId: 'org-b' }],
    ['no org', { orgId: null }],
    ['project ids', { projectIds: ['p-2'] }],
    ['roles', { roles: [{ role: 'auditor' as const, orgId: 'org-a', projectId: null }] }],
    ['scopes', { scopes: ['infer' as const] }],
    ['clearance', { clearance: 'restricted' as const }],
    ['regions', { allowedRegions: ['us'] }],
  ])('keeps principals that differ in %s apart', (_attribute, overrides) => {
    const sut = new AbilityCache(new TestPolicySource(testPolicySet([readPlans])));

    const base = sut.forPrincipal(testPrincipal());
    const other = sut.forPrincipal(testPrincipal(overrides));

    expect(other.ability).not.toBe(base.ability);
    expect(sut.size).toBe(2);
  });

  it('drops every ability when the policy source reports a change', () => {
    const source = new TestPolicySource(testPolicySet([readPlans], 'v1'));
    const sut = new AbilityCache(source);
    const principal = testPrincipal();
    sut.forPrincipal(principal);
    sut.forPrincipal(testPrincipal({ subject: 'app-2' }));

    source.swap(testPolicySet([readModels], 'v2'));

    expect(sut.size).toBe(0);
    const after = sut.forPrincipal(principal);
    expect(after.policy.version).toBe('v2');
    expect(after.ability.can('read', 'Model')).toBe(true);
    expect(after.ability.can('read', 'Plan')).toBe(false);
  });

  it('follows a set swapped before its listener ran', () => {
    const source = new TestPolicySource(testPolicySet([readPlans], 'v1'));
    const sut = new AbilityCache(source);
    const principal = testPrincipal();
    sut.forPrincipal(principal);

    Object.assign(source, { set: testPolicySet([readModels], 'v2') });

    expect(sut.forPrincipal(principal).ability.can('read', 'Model')).toBe(true);
    expect(sut.current().version).toBe('v2');
  });

  it('stays within its bound, dropping the oldest', () => {
    const sut = new AbilityCache(new TestPolicySource(testPolicySet([readPlans])), { maxEntries: 2 });
    const oldest = sut.forPrincipal(testPrincipal({ subject: 'a' }));
    sut.forPrincipal(testPrincipal({ subject: 'b' }));
    sut.forPrincipal(testPrincipal({ subject: 'c' }));

    expect(sut.size).toBe(2);
    expect(sut.forPrincipal(testPrincipal({ subject: 'a' })).ability).not.toBe(oldest.ability);
  });
});
