import { SYSTEM_PRINCIPAL } from './tenancy-access';
import { AccessForbiddenException, ResourceNotFoundException } from '@infergate/common';
import { OrganizationsService } from './organizations.service';
import { ApplicationsService } from './applications.service';
import { TenancyConflictException } from './tenancy.errors';
import { startTenancyTestbed, testPrincipal } from './tenancy-testing';
import { AuditEventEntity, AuditService } from '@infergate/audit';

describe(OrganizationsService.name, () => {
  let testbed: Awaited<ReturnType<typeof startTenancyTestbed>>;
  let sut: OrganizationsService;
  const defaults = { allowedRegions: [], allowedCidrs: [], maxClearance: 'restricted' as const };

  beforeEach(async () => {
    testbed = await startTenancyTestbed();
    sut = testbed.app.get(OrganizationsService);
  });
  afterEach(() => testbed.close());

  it('creates an organization, refuses a second with the same name (409) and audits the creation', async () => {
    const org = await sut.create(SYSTEM_PRINCIPAL, { name: 'acme', ...defaults });
    expect(org).toMatchObject({ name: 'acme', status: 'active', maxClearance: 'restricted', displayName: null });
    await expect(sut.create(SYSTEM_PRINCIPAL, { name: 'acme', ...defaults })).rejects.toThrow(TenancyConflictException);
    await testbed.app.get(AuditService).flush();
    const events = await testbed.database.repository(AuditEventEntity).findBy({ action: 'tenancy.organization.created' });
    expect(events).toEqual([expect.objectContaining({ actorType: 'system', resourceId: org.id, orgId: org.id })]);
  });

  it('lists, in the query, only what the caller may see, with paging', async () => {
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) ids.push((await sut.create(SYSTEM_PRINCIPAL, { name, ...defaults })).id);
    const everything = await sut.list(SYSTEM_PRINCIPAL, { limit: 50, offset: 0 });
    expect(everything.items.map((o) => o.name).sort()).toEqual(['a', 'b', 'c', 'd']);
    // Orders created within one millisecond tie on createdAt and fall back to id: compare pages, not names.
    const all = await sut.list(SYSTEM_PRINCIPAL, { limit: 2, offset: 1 });
    expect(all).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(all.items.map((o) => o.id)).toEqual(everything.items.slice(1, 3).map((o) => o.id));

    const orgAdminOfC = testPrincipal(ids[2], ['org-admin']);
    const own = await sut.list(orgAdminOfC, { limit: 50, offset: 0 });
    expect(own.items.map((o) => o.name)).toEqual(['c']);
    expect(own.total).toBe(1);
    expect((await sut.list(testPrincipal(ids[2], ['model-consumer']), { limit: 50, offset: 0 })).total).toBe(0);
  });

  it('answers another organization exactly like a missing one for an org admin, and 403 when changing its own', async () => {
    const a = await sut.create(SYSTEM_PRINCIPAL, { name: 'a', ...defaults });
    const b = await sut.create(SYSTEM_PRINCIPAL, { name: 'b', ...defaults });
    const orgAdmin = testPrincipal(a.id, ['org-admin']);
    await expect(sut.get(orgAdmin, a.id)).resolves.toMatchObject({ id: a.id });
    await expect(sut.get(orgAdmin, b.id)).rejects.toThrow(ResourceNotFoundException);
    await expect(sut.get(orgAdmin, '00000000-0000-4000-8000-00000000dead')).rejects.toThrow(ResourceNotFoundException);
    await expect(sut.disable(orgAdmin, b.id)).rejects.toThrow(ResourceNotFoundException);
    await expect(sut.update(orgAdmin, a.id, { maxClearance: 'restricted' })).rejects.toThrow(AccessForbiddenException);
    await expect(sut.create(orgAdmin, { name: 'c', ...defaults })).rejects.toThrow(AccessForbiddenException);
  });

  it('updates only the fields given, and refuses a rename onto a taken name', async () => {
    const a = await sut.create(SYSTEM_PRINCIPAL, { name: 'a', displayName: 'A', ...defaults });
    await sut.create(SYSTEM_PRINCIPAL, { name: 'b', ...defaults });
    const updated = await sut.update(SYSTEM_PRINCIPAL, a.id, { allowedRegions: ['eu-west-1'] });
    expect(updated).toMatchObject({ name: 'a', displayName: 'A', allowedRegions: ['eu-west-1'] });
    expect(await sut.get(SYSTEM_PRINCIPAL, a.id)).toMatchObject({ allowedRegions: ['eu-west-1'], displayName: 'A' });
    await expect(sut.update(SYSTEM_PRINCIPAL, a.id, { name: 'b' })).rejects.toThrow(TenancyConflictException);
  });

  it('refuses to lower maxClearance below an application of the organization', async () => {
    const org = await sut.create(SYSTEM_PRINCIPAL, { name: 'a', ...defaults });
    await testbed.app.get(ApplicationsService).create(SYSTEM_PRINCIPAL, org.id, {
      name: 'svc',
      authMethod: 'client_secret_basic',
      allowedScopes: [],
      clearance: 'confidential',
      allowedRegions: [],
      allowedCidrs: [],
    });
    await expect(sut.update(SYSTEM_PRINCIPAL, org.id, { maxClearance: 'internal' })).rejects.toThrow(TenancyConflictException);
    await expect(sut.update(SYSTEM_PRINCIPAL, org.id, { maxClearance: 'confidential' })).resolves.toMatchObject({
      maxClearance: 'confidential',
    });
  });

  it('disables and enables, and refuses to disable the caller’s own organization', async () => {
    const org = await sut.create(SYSTEM_PRINCIPAL, { name: 'a', ...defaults });
    await expect(sut.disable(testPrincipal(org.id, ['platform-admin']), org.id)).rejects.toThrow(TenancyConflictException);
    expect(await sut.disable(SYSTEM_PRINCIPAL, org.id)).toMatchObject({ status: 'disabled' });
    expect((await sut.list(SYSTEM_PRINCIPAL, { limit: 50, offset: 0, status: 'disabled' })).total).toBe(1);
    expect(await sut.enable(SYSTEM_PRINCIPAL, org.id)).toMatchObject({ status: 'active' });
  });
});
