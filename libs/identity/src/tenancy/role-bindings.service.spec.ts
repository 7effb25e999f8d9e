import { RevocationService } from '../revocation/revocation.service';
import { RequestValidationException, AccessForbiddenException, ResourceNotFoundException } from '@infergate/common';
import { ApplicationsService } from './applications.service';
import { OrganizationsService } from './organizations.service';
import { ProjectsService } from './projects.service';
import { RoleBindingsService } from './role-bindings.service';
import { SYSTEM_PRINCIPAL } from './tenancy-access';
import { TenancyConflictException } from './tenancy.errors';
import { startTenancyTestbed, testPrincipal } from './tenancy-testing';

describe(RoleBindingsService.name, () => {
  let testbed: Awaited<ReturnType<typeof startTenancyTestbed>>;
  let sut: RoleBindingsService;
  let orgA: string;
  let orgB: string;
  let appA: string;
  let appB: string;
  const page = { limit: 50, offset: 0 };

  beforeEach(async () => {
    testbed = await startTenancyTestbed();
    sut = testbed.app.get(RoleBindingsService);
    const orgs = testbed.app.get(OrganizationsService);
    const apps = testbed.app.get(ApplicationsService);
    const base = { allowedRegions: [], allowedCidrs: [], maxClearance: 'restricted' as const };
    orgA = (await orgs.create(SYSTEM_PRINCIPAL, { name: 'a', ...base })).id;
    orgB = (await orgs.create(SYSTEM_PRINCIPAL, { name: 'b', ...base })).id;
    const app = {
      name: 'svc',
      authMethod: 'client_secret_basic' as const,
      allowedScopes: [],
      clearance: 'public' as const,
      allowedRegions: [],
      allowedCidrs: [],
    };
    appA = (await apps.create(SYSTEM_PRINCIPAL, orgA, app)).id;
    appB = (await apps.create(SYSTEM_PRINCIPAL, orgB, app)).id;
  });
  afterEach(() => testbed.close());

  it('lets only a platform admin grant platform-admin, and only platform-wide', async () => {
    const orgAdmin = testPrincipal(orgA, ['org-admin']);
    await expect(sut.create(orgAdmin, { principalType: 'application', principalId: appA, role: 'platform-admin' })).rejects.toThrow(
      AccessForbiddenException,
    );
    await expect(
      sut.create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: appA, role: 'platform-admin', orgId: orgA }),
    ).rejects.toThrow(RequestValidationException);
    const granted = await sut.create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: appA, role: 'platform-admin' });
    expect(granted).toMatchObject({ role: 'platform-admin', orgId: null, projectId: null });
  });

  it("keeps an org admin's grants within its organization and to its principals", async () => {
    const orgAdmin = testPrincipal(orgA, ['org-admin']);
    await expect(sut.create(orgAdmin, { principalType: 'application', principalId: appB, role: 'auditor', orgId: orgB })).rejects.toThrow(
      ResourceNotFoundException,
    );
    await expect(
      sut.create(orgAdmin, { principalType: 'application', principalId: appB, role: 'auditor', orgId: orgA }),
    ).rejects.toMatchObject({
      errors: [{ pointer: '/principalId', detail: 'No such application in this organization.' }],
    });
    await expect(sut.create(orgAdmin, { principalType: 'application', principalId: appA, role: 'auditor' })).rejects.toMatchObject({
      errors: [{ pointer: '/orgId', detail: expect.any(String) }],
    });
    const projectB = await testbed.app.get(ProjectsService).create(SYSTEM_PRINCIPAL, orgB, { name: 'p' });
    await expect(
      sut.create(orgAdmin, {
        principalType: 'application',
        principalId: appA,
        role: 'model-consumer',
        orgId: orgA,
        projectId: projectB.id,
      }),
    ).rejects.toThrow(RequestValidationException);
    const ok = await sut.create(orgAdmin, { principalType: 'application', principalId: appA, role: 'model-consumer', orgId: orgA });
    expect(ok).toMatchObject({ orgId: orgA, role: 'model-consumer' });
    await expect(
      sut.create(orgAdmin, { principalType: 'application', principalId: appA, role: 'model-consumer', orgId: orgA }),
    ).rejects.toThrow(TenancyConflictException);
  });

  it('lists with filters, showing an org admin only its organization’s bindings', async () => {
    await sut.create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: appA, role: 'platform-admin' });
    await sut.create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: appA, role: 'auditor', orgId: orgA });
    await sut.create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: appB, role: 'auditor', orgId: orgB });
    expect((await sut.list(SYSTEM_PRINCIPAL, page)).total).toBe(3);
    expect((await sut.list(SYSTEM_PRINCIPAL, { ...page, role: 'auditor' })).total).toBe(2);
    expect((await sut.list(SYSTEM_PRINCIPAL, { ...page, principalId: appB })).items.map((b) => b.orgId)).toEqual([orgB]);

    const orgAdmin = testPrincipal(orgA, ['org-admin']);
    const visible = await sut.list(orgAdmin, page);
    expect(visible.items.map((b) => [b.role, b.orgId])).toEqual([['auditor', orgA]]);
    expect((await sut.list(orgAdmin, { ...page, orgId: orgB })).total).toBe(0);
  });

  it('deletes a binding and revokes the principal’s tokens; another org’s binding answers 404', async () => {
    const binding = await sut.create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: appB, role: 'org-admin', orgId: orgB });
    await expect(sut.delete(testPrincipal(orgA, ['org-admin']), binding.id)).rejects.toThrow(ResourceNotFoundException);
    await expect(sut.delete(testPrincipal(orgB, ['auditor']), binding.id)).rejects.toThrow(AccessForbiddenException);
    const issuedAt = Math.floor(Date.now() / 1000) - 1;
    await sut.delete(testPrincipal(orgB, ['org-admin']), binding.id);
    expect(await testbed.app.get(RevocationService).isRevoked({ subject: appB, issuedAt })).toBe(true);
    await expect(sut.get(SYSTEM_PRINCIPAL, binding.id)).rejects.toThrow(ResourceNotFoundException);
  });

  it('refuses to delete the last platform-admin binding', async () => {
    const first = await sut.create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: appA, role: 'platform-admin' });
    await expect(sut.delete(SYSTEM_PRINCIPAL, first.id)).rejects.toThrow(TenancyConflictException);
    await sut.create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: appB, role: 'platform-admin' });
    await expect(sut.delete(SYSTEM_PRINCIPAL, first.id)).resolves.toBeUndefined();
    // Hidden from everyone but platform admins.
    const second = (await sut.list(SYSTEM_PRINCIPAL, page)).items[0];
    await expect(sut.get(testPrincipal(orgB, ['org-admin']), second.id)).rejects.toThrow(ResourceNotFoundException);
  });
});
