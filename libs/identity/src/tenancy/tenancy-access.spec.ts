import { ProblemException, AccessForbiddenException, ResourceNotFoundException } from '@infergate/common';
import type { SelectQueryBuilder } from 'typeorm';
import { type AccessPolicy, SCOPES } from '@infergate/contracts';
import { SYSTEM_PRINCIPAL, TenancyAccess } from './tenancy-access';

import { testPrincipal } from './tenancy-testing';

/** A policy whose answers each test sets; TenancyAccess must decide nothing on its own. */
function policy(overrides: Partial<AccessPolicy> = {}): jest.Mocked<AccessPolicy> {
  return {
    can: jest.fn(() => false),
    assert: jest.fn(),
    restrictQuery: jest.fn((query: SelectQueryBuilder<object>) => query),
    readableFields: jest.fn(() => 'all' as const),
    ...overrides,
  } as jest.Mocked<AccessPolicy>;
}

describe(TenancyAccess.name, () => {
  const orgAdmin = testPrincipal('org-a', ['org-admin']);
  const app = { id: 'app-1', orgId: 'org-a', jwks: { keys: [] }, name: 'svc' };

  it('checks the loaded instance, and answers an unseen one with the same 404 as a missing resource', () => {
    const unseen = new ProblemException({
      status: 404,
      slug: 'not-found',
      title: 'Not Found',
      detail: 'Denied by rule org-admin-applications.',
    });
    const port = policy({
      assert: jest.fn(() => {
        throw unseen;
      }),
    });
    const sut = new TenancyAccess(port);
    const error = (() => {
      try {
        sut.assert(orgAdmin, 'update', 'Application', app);
      } catch (e) {
        return e;
      }
    })();
    expect(port.assert).toHaveBeenCalledWith(orgAdmin, 'update', 'Application', app);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({ status: 404, detail: new ResourceNotFoundException().detail });
  });

  it('lets a 403 from the policy through unchanged (it may carry an insufficient_scope challenge)', () => {
    const scope = new ProblemException({
      status: 403,
      slug: 'insufficient-scope',
      title: 'Forbidden',
      detail: 'x',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
    const sut = new TenancyAccess(
      policy({
        assert: jest.fn(() => {
          throw scope;
        }),
      }),
    );
    expect(() => sut.assert(orgAdmin, 'update', 'Application', app)).toThrow(scope);
  });

  it('refuses a draft the policy does not allow with 403, asking about that exact draft', () => {
    const port = policy({ can: jest.fn((_p, _a, _s, resource?: object) => (resource as { orgId?: string })?.orgId === 'org-a') });
    const sut = new TenancyAccess(port);
    expect(() => sut.assertMay(orgAdmin, 'create', 'Project', { orgId: 'org-a' })).not.toThrow();
    expect(() => sut.assertMay(orgAdmin, 'create', 'Project', { orgId: 'org-b' })).toThrow(AccessForbiddenException);
    expect(port.can).toHaveBeenLastCalledWith(orgAdmin, 'create', 'Project', { orgId: 'org-b' });
  });

  it('narrows list queries through the policy with the read action', () => {
    const port = policy();
    const query = {} as SelectQueryBuilder<object>;
    new TenancyAccess(port).restrict(query, 'app', orgAdmin, 'Application');
    expect(port.restrictQuery).toHaveBeenCalledWith(query, 'app', orgAdmin, 'read', 'Application');
  });

  it('drops the fields the policy does not let the caller read, and keeps all when none are restricted', () => {
    const view = { id: 'app-1', name: 'svc', jwks: { keys: [] }, tlsSubjectSan: 'DNS:x' };
    expect(
      new TenancyAccess(policy({ readableFields: jest.fn(() => ['id', 'name']) })).readable(orgAdmin, 'Application', app, view),
    ).toEqual({
      id: 'app-1',
      name: 'svc',
    });
    expect(new TenancyAccess(policy()).readable(orgAdmin, 'Application', app, view)).toBe(view);
  });

  it('makes the CLI a frozen platform admin with every scope, with no privilege outside the policy', () => {
    expect(Object.isFrozen(SYSTEM_PRINCIPAL)).toBe(true);
    expect(SYSTEM_PRINCIPAL).toMatchObject({ roles: [{ role: 'platform-admin', orgId: null, projectId: null }], scopes: [...SCOPES] });
    const port = policy();
    expect(() => new TenancyAccess(port).assertMay(SYSTEM_PRINCIPAL, 'create', 'Organization', { id: 'x' })).toThrow(
      AccessForbiddenException,
    );
  });
});
