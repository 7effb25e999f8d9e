import { InvalidTokenException } from '../authentication/authentication.errors';
import { RequestValidationException, AccessForbiddenException, ResourceNotFoundException } from '@infergate/common';
import { ApplicationsService } from '../tenancy/applications.service';
import { OrganizationsService } from '../tenancy/organizations.service';
import { RoleBindingsService } from '../tenancy/role-bindings.service';
import { SYSTEM_PRINCIPAL } from '../tenancy/tenancy-access';
import { startTenancyTestbed, testPrincipal } from '../tenancy/tenancy-testing';
import { ApiKeyEntity } from './api-key.entity';
import { API_KEY_CACHE_TTL_MS, ApiKeyVerifierService, LAST_USED_WRITE_INTERVAL_MS } from './api-key-verifier.service';
import { ApiKeysService } from './api-keys.service';

describe(ApiKeyVerifierService.name, () => {
  let testbed: Awaited<ReturnType<typeof startTenancyTestbed>>;
  let sut: ApiKeyVerifierService;
  let apiKeys: ApiKeysService;
  let applications: ApplicationsService;
  let orgId: string;
  let appId: string;
  const context = { clientIp: '127.0.0.1' };

  const expectRefused = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidTokenException);
    expect(error).toMatchObject({ reason: 'unknown_credential', status: 401 });
  };

  beforeEach(async () => {
    testbed = await startTenancyTestbed();
    sut = testbed.app.get(ApiKeyVerifierService);
    apiKeys = testbed.app.get(ApiKeysService);
    applications = testbed.app.get(ApplicationsService);
    orgId = (
      await testbed.app.get(OrganizationsService).create(SYSTEM_PRINCIPAL, {
        name: 'acme',
        allowedRegions: ['eu-west-1'],
        allowedCidrs: ['10.0.0.0/8'],
        maxClearance: 'confidential',
      })
    ).id;
    appId = (
      await applications.create(SYSTEM_PRINCIPAL, orgId, {
        name: 'svc',
        authMethod: 'client_secret_basic',
        allowedScopes: ['infer', 'models:read', 'admin'],
        clearance: 'internal',
        allowedRegions: [],
        allowedCidrs: [],
      })
    ).id;
    await testbed.app
      .get(RoleBindingsService)
      .create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: appId, role: 'model-consumer', orgId });
  });
  afterEach(() => testbed.close());

  it("builds the application's principal, with the key's scopes and the organization's limits", async () => {
    const { key, id } = await apiKeys.create(SYSTEM_PRINCIPAL, orgId, appId, { name: 'k', scopes: ['infer', 'models:read'] });
    const principal = await sut.verify(key, context);
    expect(principal).toEqual({
      kind: 'application',
      subject: appId,
      clientId: expect.stringMatching(/^app_/),
      orgId,
      projectIds: [],
      roles: [{ role: 'model-consumer', orgId, projectId: null }],
      scopes: ['infer', 'models:read'],
      clearance: 'internal',
      allowedRegions: ['eu-west-1'],
      allowedCidrs: ['10.0.0.0/8'],
      authMethod: 'api_key',
      tokenId: id,
      expiresAt: expect.any(Number),
    });
    // Served from cache the second time, as a copy nobody downstream can poison.
    principal.scopes.push('admin');
    expect((await sut.verify(key, context)).scopes).toEqual(['infer', 'models:read']);
  });

  it('refuses a wrong secret for a known id, also when the key is cached', async () => {
    const { key } = await apiKeys.create(SYSTEM_PRINCIPAL, orgId, appId, { name: 'k', scopes: ['infer'] });
    const forged = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await expectRefused(sut.verify(forged, context));
    await sut.verify(key, context);
    await expectRefused(sut.verify(forged, context));
  });

  it('refuses unknown and malformed keys alike', async () => {
    await expectRefused(sut.verify(`ig_${'0'.repeat(32)}_${'A'.repeat(43)}`, context));
    await expectRefused(sut.verify('ig_nope', context));
    await expectRefused(sut.verify('', context));
  });

  it('refuses a revoked key at once, although it was cached', async () => {
    const created = await apiKeys.create(SYSTEM_PRINCIPAL, orgId, appId, { name: 'k', scopes: ['infer'] });
    await sut.verify(created.key, context);
    await apiKeys.revoke(SYSTEM_PRINCIPAL, orgId, appId, created.id);
    await expectRefused(sut.verify(created.key, context));
    expect((await apiKeys.list(SYSTEM_PRINCIPAL, orgId, appId, { limit: 50, offset: 0, includeRevoked: false })).total).toBe(0);
    expect((await apiKeys.list(SYSTEM_PRINCIPAL, orgId, appId, { limit: 50, offset: 0, includeRevoked: true })).items[0].revokedAt).toEqual(
      expect.any(Date),
    );
  });

  it('refuses a key revoked by another replica (DB and revocation store) although this replica cached it', async () => {
    const created = await apiKeys.create(SYSTEM_PRINCIPAL, orgId, appId, { name: 'k', scopes: ['infer'] });
    await sut.verify(created.key, context);
    // What another replica's revoke does: row and store, but not this replica's cache.
    const forget = jest.spyOn(sut, 'forget').mockImplementation(() => undefined);
    await apiKeys.revoke(SYSTEM_PRINCIPAL, orgId, appId, created.id);
    expect(forget).toHaveBeenCalled();
    await expectRefused(sut.verify(created.key, context));
  });

  it('refuses an expired key, and a cached key once its expiry passes', async () => {
    const now = Date.now();
    const created = await apiKeys.create(SYSTEM_PRINCIPAL, orgId, appId, {
      name: 'k',
      scopes: ['infer'],
      expiresAt: new Date(now + 120_000),
    });
    await sut.verify(created.key, context, now);
    await expectRefused(sut.verify(created.key, context, now + 120_000));
    await testbed.database.repository(ApiKeyEntity).update({ id: created.id }, { expiresAt: new Date(now - 1000) });
    await expectRefused(sut.verify(created.key, context, now + API_KEY_CACHE_TTL_MS));
  });

  it('refuses keys of a disabled application or organization at once, cached or not', async () => {
    const created = await apiKeys.create(SYSTEM_PRINCIPAL, orgId, appId, { name: 'k', scopes: ['infer'] });
    await sut.verify(created.key, context);
    await applications.disable(SYSTEM_PRINCIPAL, orgId, appId);
    await expectRefused(sut.verify(created.key, context));
    await applications.enable(SYSTEM_PRINCIPAL, orgId, appId);
    await sut.verify(created.key, context);

    await testbed.app.get(OrganizationsService).disable(SYSTEM_PRINCIPAL, orgId);
    await expectRefused(sut.verify(created.key, context));
  });

  it("narrows the key's scopes to what the application is still allowed", async () => {
    const created = await apiKeys.create(SYSTEM_PRINCIPAL, orgId, appId, { name: 'k', scopes: ['infer', 'models:read'] });
    await sut.verify(created.key, context);
    await applications.update(SYSTEM_PRINCIPAL, orgId, appId, { allowedScopes: ['infer'] });
    expect((await sut.verify(created.key, context)).scopes).toEqual(['infer']);
  });

  it('records the last use at most once a minute, off the request path', async () => {
    const created = await apiKeys.create(SYSTEM_PRINCIPAL, orgId, appId, { name: 'k', scopes: ['infer'] });
    const repository = testbed.database.repository(ApiKeyEntity);
    const update = jest.spyOn(repository.manager.connection.getRepository(ApiKeyEntity), 'update');
    const t0 = Date.now();
    for (let i = 0; i < 5; i += 1) await sut.verify(created.key, context, t0 + i * 1000);
    await sut.verify(created.key, context, t0 + LAST_USED_WRITE_INTERVAL_MS + 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lastUsedWrites = update.mock.calls.filter(([, changes]) => 'lastUsedAt' in (changes as object));
    expect(lastUsedWrites).toHaveLength(2);
    expect((await repository.findOneByOrFail({ id: created.id })).lastUsedAt).toEqual(new Date(t0 + LAST_USED_WRITE_INTERVAL_MS + 1));
  });
});

describe(ApiKeysService.name, () => {
  let testbed: Awaited<ReturnType<typeof startTenancyTestbed>>;
  let sut: ApiKeysService;
  let orgA: string;
  let orgB: string;
  let appA: string;
  let appB: string;

  beforeEach(async () => {
    testbed = await startTenancyTestbed();
    sut = testbed.app.get(ApiKeysService);
    const orgs = testbed.app.get(OrganizationsService);
    const apps = testbed.app.get(ApplicationsService);
    const base = { allowedRegions: [], allowedCidrs: [], maxClearance: 'restricted' as const };
    orgA = (await orgs.create(SYSTEM_PRINCIPAL, { name: 'a', ...base })).id;
    orgB = (await orgs.create(SYSTEM_PRINCIPAL, { name: 'b', ...base })).id;
    const app = {
      name: 'svc',
      authMethod: 'client_secret_basic' as const,
      allowedScopes: ['infer' as const],
      clearance: 'public' as const,
      allowedRegions: [],
      allowedCidrs: [],
    };
    appA = (await apps.create(SYSTEM_PRINCIPAL, orgA, app)).id;
    appB = (await apps.create(SYSTEM_PRINCIPAL, orgB, app)).id;
  });
  afterEach(() => testbed.close());

  it('stores only a keyed hash, never the key, and lists without it', async () => {
    const created = await sut.create(SYSTEM_PRINCIPAL, orgA, appA, { name: 'k', scopes: ['infer'] });
    const row = await testbed.database.repository(ApiKeyEntity).findOneByOrFail({ id: created.id });
    expect(JSON.stringify(row)).not.toContain(created.key.split('_').slice(2).join('_'));
    const listed = JSON.stringify(await sut.list(SYSTEM_PRINCIPAL, orgA, appA, { limit: 50, offset: 0, includeRevoked: true }));
    expect(listed).not.toContain(created.key);
    expect(listed).not.toMatch(/keyHash|"key"/);
  });

  it("refuses scopes beyond the application's, and expiries in the past or beyond a year", async () => {
    await expect(sut.create(SYSTEM_PRINCIPAL, orgA, appA, { name: 'k', scopes: ['infer', 'admin'] })).rejects.toMatchObject({
      errors: [{ pointer: '/scopes/1', detail: expect.stringContaining('admin') }],
    });
    const now = new Date();
    await expect(
      sut.create(SYSTEM_PRINCIPAL, orgA, appA, { name: 'k', scopes: ['infer'], expiresAt: new Date(now.getTime() - 1) }),
    ).rejects.toThrow(RequestValidationException);
    await expect(
      sut.create(SYSTEM_PRINCIPAL, orgA, appA, { name: 'k', scopes: ['infer'], expiresAt: new Date(now.getTime() + 400 * 86_400_000) }),
    ).rejects.toThrow(RequestValidationException);
    const defaulted = await sut.create(SYSTEM_PRINCIPAL, orgA, appA, { name: 'k', scopes: ['infer'] });
    expect(defaulted.expiresAt!.getTime()).toBeGreaterThan(now.getTime() + 365 * 86_400_000);
  });

  it("keeps org admins to their organization's keys (404 alike) and auditors read-only", async () => {
    const inB = await sut.create(SYSTEM_PRINCIPAL, orgB, appB, { name: 'k', scopes: ['infer'] });
    const orgAdminA = testPrincipal(orgA, ['org-admin']);
    await expect(sut.create(orgAdminA, orgB, appB, { name: 'k', scopes: ['infer'] })).rejects.toThrow(ResourceNotFoundException);
    await expect(sut.create(orgAdminA, orgA, appB, { name: 'k', scopes: ['infer'] })).rejects.toThrow(ResourceNotFoundException);
    await expect(sut.revoke(orgAdminA, orgB, appB, inB.id)).rejects.toThrow(ResourceNotFoundException);
    await expect(sut.revoke(orgAdminA, orgA, appA, inB.id)).rejects.toThrow(ResourceNotFoundException);
    const inA = await sut.create(orgAdminA, orgA, appA, { name: 'k', scopes: ['infer'] });
    const auditorA = testPrincipal(orgA, ['auditor']);
    await expect(sut.get(auditorA, orgA, appA, inA.id)).resolves.toMatchObject({ id: inA.id });
    await expect(sut.revoke(auditorA, orgA, appA, inA.id)).rejects.toThrow(AccessForbiddenException);
  });
});
