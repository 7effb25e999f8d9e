import { TenancyAccess } from './tenancy-access';
import { TenancyForbiddenException, TenancyNotFoundException } from './tenancy.errors';
import { testPrincipal } from './tenancy-testing';

describe(TenancyAccess.name, () => {
  const sut = new TenancyAccess();

  it('lets a platform admin see and change every organization', () => {
    const admin = testPrincipal('org-p', ['platform-admin']);
    expect(sut.orgScope(admin, 'read')).toBe('all');
    expect(sut.orgScope(admin, 'write')).toBe('all');
    expect(() => sut.assertCanWrite(admin, 'org-x')).not.toThrow();
  });

  it('limits an org admin to its own organization, answering 404 for any other', () => {
    const orgAdmin = testPrincipal('org-a', ['org-admin']);
    expect(sut.orgScope(orgAdmin, 'write')).toEqual(['org-a']);
    expect(() => sut.assertCanWrite(orgAdmin, 'org-a')).not.toThrow();
    expect(() => sut.assertCanRead(orgAdmin, 'org-b')).toThrow(TenancyNotFoundException);
    expect(() => sut.assertCanWrite(orgAdmin, 'org-b')).toThrow(TenancyNotFoundException);
    expect(() => sut.assertPlatformAdmin(orgAdmin)).toThrow(TenancyForbiddenException);
  });

  it('ignores an org-admin grant for an organization other than the principal’s own', () => {
    const odd = { ...testPrincipal('org-a', []), roles: [{ role: 'org-admin' as const, orgId: 'org-b', projectId: null }] };
    expect(sut.orgScope(odd, 'read')).toEqual([]);
    expect(sut.canRead(odd, 'org-b')).toBe(false);
  });

  it('lets an auditor read its organization but not change it (403, since it may see it)', () => {
    const auditor = testPrincipal('org-a', ['auditor']);
    expect(sut.orgScope(auditor, 'read')).toEqual(['org-a']);
    expect(sut.orgScope(auditor, 'write')).toEqual([]);
    expect(() => sut.assertCanWrite(auditor, 'org-a')).toThrow(TenancyForbiddenException);
    expect(() => sut.assertCanRead(auditor, 'org-b')).toThrow(TenancyNotFoundException);
  });

  it('gives nothing to a principal without an administrative role, even with the admin scope', () => {
    const consumer = testPrincipal('org-a', ['model-consumer', 'model-publisher']);
    expect(sut.orgScope(consumer, 'read')).toEqual([]);
    expect(() => sut.assertCanRead(consumer, 'org-a')).toThrow(TenancyNotFoundException);
  });

  it('does not count a project-scoped org-admin grant as administering the organization', () => {
    const projectAdmin = { ...testPrincipal('org-a', []), roles: [{ role: 'org-admin' as const, orgId: 'org-a', projectId: 'p1' }] };
    expect(sut.canWrite(projectAdmin, 'org-a')).toBe(false);
  });
});
