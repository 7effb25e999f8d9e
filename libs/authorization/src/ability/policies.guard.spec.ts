import { ExecutionContext, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuditService } from '@infergate/audit';
import { CheckPolicies, Public, AccessForbiddenException } from '@infergate/common';
import { type Principal } from '@infergate/contracts';
import { InsufficientScopeException } from '@infergate/identity';
import type { PolicyRule } from '../policy/policy.types';
import { RecordingAudit, TestPolicySource, testPolicySet, testPrincipal } from './ability-testing';
import { AbilityCache } from './ability.cache';
import type { RequestWithAbility } from './ability.types';

import { PoliciesGuard } from './policies.guard';

@CheckPolicies('read', 'Model')
class ModelsController {
  list(): void {}

  @CheckPolicies('infer', 'Model')
  infer(): void {}

  @CheckPolicies('delete', 'Model')
  remove(): void {}

  @Public()
  catalogue(): void {}
}

class ForgottenController {
  open(): void {}
}

const rules: PolicyRule[] = [
  {
    id: 'read',
    effect: 'allow',
    roles: ['model-consumer'],
    actions: ['read'],
    subject: 'Model',
    conditions: { orgId: '${principal.orgId}' },
  },
  { id: 'infer', effect: 'allow', roles: ['model-consumer'], actions: ['infer'], subject: 'Model', scopes: ['infer'] },
  { id: 'no-delete', effect: 'deny', roles: ['*'], actions: ['delete'], subject: 'Model' },
  { id: 'admin-delete', effect: 'allow', roles: ['org-admin'], actions: ['delete'], subject: 'Model', scopes: ['admin'] },
];

type Request = { principal?: Principal; id?: string } & RequestWithAbility;

function contextFor(controller: new () => object, handler: string, request: Request): ExecutionContext {
  const method = (controller.prototype as Record<string, () => void>)[handler];
  return {
    getHandler: () => method,
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe(PoliciesGuard.name, () => {
  let audit: RecordingAudit;
  let sut: PoliciesGuard;

  beforeEach(() => {
    audit = new RecordingAudit();
    sut = new PoliciesGuard(
      new Reflector(),
      new AbilityCache(new TestPolicySource(testPolicySet(rules, 'v7'))),
      audit as unknown as AuditService,
    );
  });

  it('lets public routes through, without a principal', () => {
    expect(sut.canActivate(contextFor(ModelsController, 'catalogue', {}))).toBe(true);
  });

  it('refuses a protected route without @CheckPolicies, logging it as a programming error', () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const request: Request = { principal: testPrincipal({ roleNames: ['platform-admin'] }) };

    expect(() => sut.canActivate(contextFor(ForgottenController, 'open', request))).toThrow(AccessForbiddenException);
    expect(log).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'authz.policy_missing', route: 'ForgottenController.open' }),
      expect.any(String),
    );
    log.mockRestore();
  });

  it('refuses a protected route that reached it without a principal', () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    expect(() => sut.canActivate(contextFor(ModelsController, 'list', {}))).toThrow(AccessForbiddenException);
    log.mockRestore();
  });

  it('allows on the type when some rule may match, and leaves the ability on the request', () => {
    const request: Request = { principal: testPrincipal() };

    expect(sut.canActivate(contextFor(ModelsController, 'list', request))).toBe(true);
    expect(request.ability?.can('read', 'Model')).toBe(true);
    expect(request.policyVersion).toBe('v7');
    expect(audit.events).toEqual([]);
  });

  it("reads the handler's requirement before the class's", () => {
    const request: Request = { principal: testPrincipal({ scopes: ['infer'] }) };

    expect(sut.canActivate(contextFor(ModelsController, 'infer', request))).toBe(true);
    expect(() => sut.canActivate(contextFor(ModelsController, 'remove', request))).toThrow(AccessForbiddenException);
  });

  it('answers 403 for a role without a rule, audited with the deciding rule', () => {
    const request: Request = { principal: testPrincipal({ roleNames: ['auditor'] }), id: 'req-9' };

    expect(() => sut.canActivate(contextFor(ModelsController, 'list', request))).toThrow(AccessForbiddenException);
    expect(audit.events).toEqual([
      expect.objectContaining({
        action: 'authz.denied',
        requestId: 'req-9',
        reason: 'no-allow-rule',
        details: expect.objectContaining({ action: 'read', subject: 'Model', policyVersion: 'v7', status: 403 }),
      }),
    ]);
  });

  it('answers insufficient_scope with the scopes an allow rule needs, when only the token is lacking', () => {
    const request: Request = { principal: testPrincipal({ scopes: ['models:read'] }) };

    let error: unknown;
    try {
      sut.canActivate(contextFor(ModelsController, 'infer', request));
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(InsufficientScopeException);
    expect((error as InsufficientScopeException).headers['WWW-Authenticate']).toBe(
      'Bearer realm="infergate", error="insufficient_scope", scope="infer"',
    );
    expect(audit.events[0]).toMatchObject({ reason: 'insufficient-scope' });
  });

  it('answers a plain 403 when a deny rule refuses whatever the scopes', () => {
    const request: Request = { principal: testPrincipal({ roleNames: ['org-admin'], scopes: [] }) };

    expect(() => sut.canActivate(contextFor(ModelsController, 'remove', request))).toThrow(AccessForbiddenException);
    expect(audit.events[0]).toMatchObject({ reason: 'no-delete' });
  });
});
