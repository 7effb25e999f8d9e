import { RequestValidationException, AccessForbiddenException } from '@infergate/common';
import { ProblemValidationPipe } from '@infergate/validation';
import type { PolicyRule } from '../policy/policy.types';
import { TestPolicySource, testPolicySet, testPrincipal } from '../ability/ability-testing';
import { AbilityCache } from '../ability/ability.cache';

import { ExplainRequestDto, type ExplainRequest } from './explain.dto';
import { ExplainService } from './explain.service';

const rules: PolicyRule[] = [
  {
    id: 'consumer-infer',
    effect: 'allow',
    roles: ['model-consumer'],
    actions: ['infer'],
    subject: 'Model',
    conditions: { orgId: '${principal.orgId}' },
    scopes: ['infer'],
  },
  { id: 'no-archived', effect: 'deny', roles: ['*'], actions: ['infer'], subject: 'Model', conditions: { stage: 'archived' } },
  { id: 'admin-read', effect: 'allow', roles: ['org-admin'], actions: ['read'], subject: 'Model' },
  { id: 'publisher-infer', effect: 'allow', roles: ['model-publisher'], actions: ['infer'], subject: 'Model' },
];

const auditor = testPrincipal({ roleNames: ['auditor'], orgId: 'org-a' });
const platformAdmin = testPrincipal({ roleNames: ['platform-admin'], orgId: null });

const ask = (overrides: Partial<ExplainRequest> = {}): ExplainRequest => ({
  principal: { roles: ['model-consumer'], orgId: 'org-a', scopes: ['infer'] },
  action: 'infer',
  subject: 'Model',
  resource: { id: 'm1', orgId: 'org-a', stage: 'production' },
  ...overrides,
});

describe(ExplainService.name, () => {
  const sut = new ExplainService(new AbilityCache(new TestPolicySource(testPolicySet(rules, 'sha-42'))));

  it('explains an allow: the deciding rule and the rules of the roles that concern the action', () => {
    expect(sut.explain(auditor, ask())).toEqual({
      decision: 'allow',
      policyVersion: 'sha-42',
      decidingRule: 'consumer-infer',
      matchedRules: [
        { id: 'consumer-infer', effect: 'allow', conditionsMatched: true, reason: 'matched; decided allow' },
        { id: 'no-archived', effect: 'deny', conditionsMatched: false, reason: 'conditions do not match the resource' },
      ],
      missingScopes: [],
    });
  });

  it('explains a deny rule overriding an allow', () => {
    const explanation = sut.explain(auditor, ask({ resource: { id: 'm1', orgId: 'org-a', stage: 'archived' } }));

    expect(explanation).toMatchObject({ decision: 'deny', decidingRule: 'no-archived' });
    expect(explanation.matchedRules).toEqual([
      { id: 'consumer-infer', effect: 'allow', conditionsMatched: true, reason: 'matched; overridden by no-archived' },
      { id: 'no-archived', effect: 'deny', conditionsMatched: true, reason: 'matched; decided deny' },
    ]);
  });

  it('names the scopes the token lacks for an allow rule that would otherwise match', () => {
    const explanation = sut.explain(auditor, ask({ principal: { roles: ['model-consumer'], orgId: 'org-a', scopes: ['models:read'] } }));

    expect(explanation).toMatchObject({ decision: 'deny', decidingRule: null, missingScopes: ['infer'] });
    expect(explanation.matchedRules[0]).toEqual({
      id: 'consumer-infer',
      effect: 'allow',
      conditionsMatched: true,
      reason: 'not applied: the token lacks the scope infer',
    });
  });

  it('says when a placeholder has no value for the principal', () => {
    const explanation = sut.explain(platformAdmin, ask({ principal: { roles: ['model-consumer'], orgId: null }, resource: undefined }));

    expect(explanation.decision).toBe('deny');
    expect(explanation.matchedRules[0]).toMatchObject({
      id: 'consumer-infer',
      reason: expect.stringContaining('${principal.orgId} has no value'),
    });
  });

  it('explains the type alone when no resource is given, as the route guard decides', () => {
    const explanation = sut.explain(auditor, ask({ resource: undefined }));

    expect(explanation).toMatchObject({ decision: 'allow', decidingRule: 'consumer-infer' });
    expect(explanation.matchedRules).toEqual([
      { id: 'consumer-infer', effect: 'allow', conditionsMatched: true, reason: 'may match some resources; decided allow' },
      {
        id: 'no-archived',
        effect: 'deny',
        conditionsMatched: false,
        reason: 'conditional deny: applies only to the resources that match it',
      },
    ]);
  });

  it('treats omitted scopes as every scope, to explain the roles alone', () => {
    expect(sut.explain(auditor, ask({ principal: { roles: ['model-consumer'], orgId: 'org-a' } })).decision).toBe('allow');
  });

  describe('who may ask', () => {
    it.each([
      ['a principal of another organization', ask({ principal: { roles: ['model-consumer'], orgId: 'org-b' } })],
      ['a principal without an organization', ask({ principal: { roles: ['platform-admin'], orgId: null } })],
      ['a resource of another organization', ask({ resource: { id: 'm9', orgId: 'org-b' } })],
      ['a resource without an organization', ask({ resource: { id: 'm9' } })],
      ['another organization itself', ask({ subject: 'Organization', action: 'read', resource: { id: 'org-b' } })],
    ])('refuses an auditor %s', (_case, request) => {
      expect(() => sut.explain(auditor, request)).toThrow(AccessForbiddenException);
    });

    it('lets an auditor ask about its own organization', () => {
      expect(() => sut.explain(auditor, ask({ subject: 'Organization', action: 'read', resource: { id: 'org-a' } }))).not.toThrow();
    });

    it('lets a platform admin ask about any organization', () => {
      expect(
        sut.explain(platformAdmin, ask({ principal: { roles: ['model-consumer'], orgId: 'org-b' }, resource: { orgId: 'org-b' } }))
          .decision,
      ).toBe('allow');
    });
  });

  describe('request body', () => {
    // The global pipe, as the route runs it.
    const validationPipe = new ProblemValidationPipe();
    const pipe = {
      transform: (body: unknown) =>
        validationPipe.transform(body, { type: 'body', metatype: ExplainRequestDto }) as Promise<ExplainRequest>,
    };

    it('accepts a well-formed request', async () => {
      expect(await pipe.transform(ask())).toEqual(ask());
    });

    it('never lets a __proto__ key reach the resource', async () => {
      const body = { ...ask(), resource: JSON.parse('{"__proto__": {"orgId": "org-a"}, "id": "m1"}') as object };
      const parsed = await pipe.transform(body);

      expect(parsed.resource).toEqual({ id: 'm1' });
      expect(Object.getPrototypeOf(parsed.resource)).toBe(Object.prototype);
    });

    it.each([
      ['an unknown key', { ...ask(), extra: 1 }, '/extra'],
      ['an unknown principal key', { ...ask(), principal: { roles: [], orgId: 'org-a', kind: 'user' } }, '/principal/kind'],
      ['an unknown role', { ...ask(), principal: { roles: ['root'], orgId: 'org-a' } }, '/principal/roles/0'],
      ['an unknown action', { ...ask(), action: 'manage' }, '/action'],
      ['an unknown subject', { ...ask(), subject: 'all' }, '/subject'],
      ['a resource key that is not a property name', { ...ask(), resource: { 'org id': 'org-a' } }, '/resource'],
    ])('refuses %s', async (_case, body, pointer) => {
      let error: unknown;
      try {
        await pipe.transform(body);
      } catch (caught) {
        error = caught;
      }

      expect(error).toBeInstanceOf(RequestValidationException);
      expect((error as RequestValidationException).errors?.map((entry) => entry.pointer)).toContainEqual(expect.stringContaining(pointer));
    });
  });
});
