import { subject } from '@casl/ability';
import type { PolicyRule } from '../policy/policy.types';
import { testPolicySet, testPrincipal } from './ability-testing';
import { buildAbility, clearanceLevelsOf, scopesThatWouldAllow } from './ability.factory';

const model = (attributes: Record<string, unknown>) => subject('Model', { ...attributes });

const readOwnOrgModels: PolicyRule = {
  id: 'consumer-read-models',
  effect: 'allow',
  roles: ['model-consumer'],
  actions: ['read', 'infer'],
  subject: 'Model',
  conditions: { orgId: '${principal.orgId}' },
};

describe(buildAbility.name, () => {
  describe('roles', () => {
    it('applies the rules of the roles the principal holds; a role bound to a project only within that project', () => {
      const set = testPolicySet([readOwnOrgModels]);
      const consumer = testPrincipal({
        roles: [
          { role: 'auditor', orgId: 'org-a', projectId: null },
          { role: 'model-consumer', orgId: 'org-a', projectId: 'p-9' },
        ],
      });

      expect(buildAbility(set, consumer).can('read', model({ orgId: 'org-a', projectId: 'p-9' }))).toBe(true);
      expect(buildAbility(set, consumer).can('read', model({ orgId: 'org-a', projectId: 'p-1' }))).toBe(false);
      expect(buildAbility(set, consumer).can('read', model({ orgId: 'org-a', projectId: null }))).toBe(false);
      const orgWide = testPrincipal({ roles: [{ role: 'model-consumer', orgId: 'org-a', projectId: null }] });
      expect(buildAbility(set, orgWide).can('read', model({ orgId: 'org-a', projectId: 'p-1' }))).toBe(true);
      expect(buildAbility(set, testPrincipal({ roleNames: ['auditor'] })).can('read', model({ orgId: 'org-a' }))).toBe(false);
    });

    it("applies '*' rules to every principal, and nothing without a rule", () => {
      const set = testPolicySet([{ id: 'all-read-plans', effect: 'allow', roles: ['*'], actions: ['read'], subject: 'Plan' }]);
      const ability = buildAbility(set, testPrincipal({ roleNames: [] }));

      expect(ability.can('read', 'Plan')).toBe(true);
      expect(ability.can('update', 'Plan')).toBe(false);
      expect(ability.can('read', 'Model')).toBe(false);
    });

    it('names the policy rule that decides in the CASL rule reason', () => {
      const ability = buildAbility(testPolicySet([readOwnOrgModels]), testPrincipal());

      expect(ability.relevantRuleFor('read', model({ orgId: 'org-a' }))?.reason).toBe('consumer-read-models');
    });
  });

  describe('token scopes', () => {
    const inferRule: PolicyRule = { ...readOwnOrgModels, id: 'infer', actions: ['infer'], scopes: ['infer'] };

    it('drops an allow rule whose scopes the token does not all carry', () => {
      const set = testPolicySet([{ ...inferRule, scopes: ['infer', 'models:write'] }]);

      expect(buildAbility(set, testPrincipal({ scopes: ['infer'] })).can('infer', model({ orgId: 'org-a' }))).toBe(false);
      expect(buildAbility(set, testPrincipal({ scopes: ['infer', 'models:write'] })).can('infer', model({ orgId: 'org-a' }))).toBe(true);
    });

    it('keeps deny rules whatever the scopes', () => {
      const deny: PolicyRule = { id: 'no-infer', effect: 'deny', roles: ['*'], actions: ['infer'], subject: 'Model', scopes: ['admin'] };
      const ability = buildAbility(testPolicySet([inferRule, deny]), testPrincipal({ scopes: ['infer'] }));

      expect(ability.can('infer', model({ orgId: 'org-a' }))).toBe(false);
    });

    it('tells which scopes would allow a type-level check the token lacks', () => {
      const set = testPolicySet([
        { ...inferRule, id: 'wide', scopes: ['infer', 'admin', 'audit:read'] },
        { ...inferRule, id: 'narrow', scopes: ['infer', 'models:write'] },
      ]);
      const principal = testPrincipal({ scopes: ['models:read'] });

      expect(scopesThatWouldAllow(set, principal, 'infer', 'Model')).toEqual(['infer', 'models:write']);
      expect(scopesThatWouldAllow(set, principal, 'delete', 'Model')).toBeNull();
      expect(scopesThatWouldAllow(set, testPrincipal({ roleNames: ['auditor'], scopes: [] }), 'infer', 'Model')).toBeNull();
    });

    it('does not offer scopes when a deny rule would refuse anyway', () => {
      const set = testPolicySet([inferRule, { id: 'deny-all', effect: 'deny', roles: ['*'], actions: ['infer'], subject: 'Model' }]);

      expect(scopesThatWouldAllow(set, testPrincipal({ scopes: [] }), 'infer', 'Model')).toBeNull();
    });
  });

  describe('placeholders', () => {
    it('interpolates the org, project ids and regions', () => {
      const set = testPolicySet([
        {
          id: 'project-models',
          effect: 'allow',
          roles: ['model-consumer'],
          actions: ['read'],
          subject: 'ModelVersion',
          conditions: {
            orgId: '${principal.orgId}',
            projectId: { $in: '${principal.projectIds}' },
            region: { $in: '${principal.allowedRegions}' },
          },
        },
      ]);
      const ability = buildAbility(set, testPrincipal({ orgId: 'org-a', projectIds: ['p-1', 'p-2'], allowedRegions: ['eu'] }));
      const version = (attributes: Record<string, unknown>) =>
        subject('ModelVersion', { orgId: 'org-a', projectId: 'p-2', region: 'eu', ...attributes });

      expect(ability.can('read', version({}))).toBe(true);
      expect(ability.can('read', version({ orgId: 'org-b' }))).toBe(false);
      expect(ability.can('read', version({ projectId: 'p-3' }))).toBe(false);
      expect(ability.can('read', version({ region: 'us' }))).toBe(false);
    });

    it('interpolates the subject', () => {
      const set = testPolicySet([
        {
          id: 'own-app',
          effect: 'allow',
          roles: ['*'],
          actions: ['read'],
          subject: 'Application',
          conditions: { id: '${principal.subject}' },
        },
      ]);
      const ability = buildAbility(set, testPrincipal({ subject: 'app-7' }));

      expect(ability.can('read', subject('Application', { id: 'app-7' }))).toBe(true);
      expect(ability.can('read', subject('Application', { id: 'app-8' }))).toBe(false);
    });

    it('does not apply a rule whose placeholder is null: a principal without an org matches nothing', () => {
      const ability = buildAbility(testPolicySet([readOwnOrgModels]), testPrincipal({ orgId: null }));

      expect(ability.can('read', model({ orgId: null }))).toBe(false);
      expect(ability.can('read', model({}))).toBe(false);
      expect(ability.can('read', 'Model')).toBe(false);
    });

    it('does not apply a rule with an unknown or embedded placeholder', () => {
      const set = testPolicySet([
        { ...readOwnOrgModels, id: 'unknown', conditions: { orgId: '${principal.tenant}' } },
        { ...readOwnOrgModels, id: 'embedded', conditions: { name: 'm-${principal.orgId}' } },
      ]);
      const ability = buildAbility(set, testPrincipal());

      expect(ability.can('read', 'Model')).toBe(false);
      expect(ability.can('read', model({ orgId: undefined, name: undefined }))).toBe(false);
    });

    it('expands the clearance into every level up to and including it', () => {
      const set = testPolicySet([
        {
          id: 'by-clearance',
          effect: 'allow',
          roles: ['*'],
          actions: ['infer'],
          subject: 'Model',
          conditions: { sensitivity: { $in: '${principal.clearanceLevels}' } },
        },
      ]);
      const ability = buildAbility(set, testPrincipal({ clearance: 'internal' }));

      expect(clearanceLevelsOf({ clearance: 'confidential' })).toEqual(['public', 'internal', 'confidential']);
      expect(ability.can('infer', model({ sensitivity: 'public' }))).toBe(true);
      expect(ability.can('infer', model({ sensitivity: 'internal' }))).toBe(true);
      expect(ability.can('infer', model({ sensitivity: 'confidential' }))).toBe(false);
      expect(ability.can('infer', model({ sensitivity: 'restricted' }))).toBe(false);
      expect(buildAbility(set, testPrincipal({ clearance: 'restricted' })).can('infer', model({ sensitivity: 'restricted' }))).toBe(true);
    });
  });

  describe('deny wins', () => {
    const allow: PolicyRule = {
      id: 'allow',
      effect: 'allow',
      roles: ['*'],
      actions: ['read'],
      subject: 'Model',
      conditions: { orgId: 'org-a' },
    };
    const deny: PolicyRule = {
      id: 'deny',
      effect: 'deny',
      roles: ['*'],
      actions: ['read'],
      subject: 'Model',
      conditions: { stage: 'archived' },
    };

    it.each([
      ['allow, deny', [allow, deny]],
      ['deny, allow', [deny, allow]],
    ])('whatever the order in the set (%s)', (_order, rules) => {
      const ability = buildAbility(testPolicySet(rules), testPrincipal());

      expect(ability.can('read', model({ orgId: 'org-a', stage: 'archived' }))).toBe(false);
      expect(ability.relevantRuleFor('read', model({ orgId: 'org-a', stage: 'archived' }))?.reason).toBe('deny');
      expect(ability.can('read', model({ orgId: 'org-a', stage: 'production' }))).toBe(true);
      // A conditional deny does not refuse the type: some instances remain readable.
      expect(ability.can('read', 'Model')).toBe(true);
    });

    it('an unconditional deny refuses the type too', () => {
      const ability = buildAbility(testPolicySet([{ ...deny, conditions: undefined }, allow]), testPrincipal());

      expect(ability.can('read', 'Model')).toBe(false);
    });
  });

  describe('conditions on missing values', () => {
    it('never calls a NULL property less or greater than anything, as SQL does', () => {
      const set = testPolicySet([
        { id: 'small', effect: 'allow', roles: ['*'], actions: ['read'], subject: 'Model', conditions: { size: { $lt: 5 } } },
      ]);
      const ability = buildAbility(set, testPrincipal());

      expect(ability.can('read', model({ size: 3 }))).toBe(true);
      expect(ability.can('read', model({ size: null }))).toBe(false);
      expect(ability.can('read', model({}))).toBe(false);
    });
  });
});
