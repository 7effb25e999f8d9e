import { AuditEventEntity, AuditService } from '@infergate/audit';
import { RequestValidationException, AccessForbiddenException, ResourceNotFoundException } from '@infergate/common';
import { RevocationService } from '../revocation/revocation.service';
import { MasterKey } from '../crypto/master-key';
import type { CreateApplication } from './application.dto';
import { ApplicationEntity } from './application.entity';
import { ApplicationsService } from './applications.service';
import { clientSecretMatches } from './client-secrets';
import { OrganizationsService } from './organizations.service';
import { ProjectsService } from './projects.service';
import { SYSTEM_PRINCIPAL } from './tenancy-access';
import { CredentialChange, TenancyEvents } from './tenancy-events';
import { TenancyConflictException } from './tenancy.errors';
import { startTenancyTestbed, testPrincipal } from './tenancy-testing';

const OVERLAP_SECONDS = 120;

describe(ApplicationsService.name, () => {
  let testbed: Awaited<ReturnType<typeof startTenancyTestbed>>;
  let sut: ApplicationsService;
  let masterKey: MasterKey;
  let orgA: string;
  let orgB: string;
  const input = (overrides: Partial<CreateApplication> = {}): CreateApplication => ({
    name: 'svc',
    authMethod: 'client_secret_basic',
    allowedScopes: ['infer'],
    clearance: 'internal',
    allowedRegions: [],
    allowedCidrs: [],
    ...overrides,
  });
  const stored = (id: string) => testbed.database.repository(ApplicationEntity).findOneByOrFail({ id });

  beforeEach(async () => {
    testbed = await startTenancyTestbed({ secretRotationOverlapSeconds: OVERLAP_SECONDS });
    sut = testbed.app.get(ApplicationsService);
    masterKey = testbed.app.get(MasterKey);
    const orgs = testbed.app.get(OrganizationsService);
    const base = { allowedRegions: [], allowedCidrs: [] };
    orgA = (await orgs.create(SYSTEM_PRINCIPAL, { name: 'a', ...base, maxClearance: 'confidential' })).id;
    orgB = (await orgs.create(SYSTEM_PRINCIPAL, { name: 'b', ...base, maxClearance: 'restricted' })).id;
  });
  afterEach(() => testbed.close());

  it('shows the client secret once and stores only its keyed hash', async () => {
    const created = await sut.create(SYSTEM_PRINCIPAL, orgA, input());
    expect(created.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.clientId).toMatch(/^app_/);
    const row = await stored(created.id);
    expect(row.secretHash).toBe(masterKey.hash('client-secret', created.clientSecret!));
    expect(JSON.stringify(row)).not.toContain(created.clientSecret);

    const listed = await sut.list(SYSTEM_PRINCIPAL, orgA, { limit: 50, offset: 0 });
    const fetched = await sut.get(SYSTEM_PRINCIPAL, orgA, created.id);
    for (const shown of [listed, fetched]) {
      const text = JSON.stringify(shown);
      expect(text).not.toContain(created.clientSecret);
      expect(text).not.toMatch(/secretHash|clientSecret/);
    }
    await testbed.app.get(AuditService).flush();
    const audit = JSON.stringify(await testbed.database.repository(AuditEventEntity).find());
    expect(audit).toContain('tenancy.application.created');
    expect(audit).not.toContain(created.clientSecret);
  });

  it('issues no secret to private_key_jwt or tls_client_auth applications and requires their credentials', async () => {
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] };
    const jwt = await sut.create(SYSTEM_PRINCIPAL, orgA, input({ authMethod: 'private_key_jwt', jwks }));
    expect(jwt.clientSecret).toBeUndefined();
    expect((await stored(jwt.id)).secretHash).toBeNull();
    await expect(sut.create(SYSTEM_PRINCIPAL, orgA, input({ authMethod: 'private_key_jwt' }))).rejects.toThrow(RequestValidationException);
    await expect(sut.create(SYSTEM_PRINCIPAL, orgA, input({ authMethod: 'tls_client_auth' }))).rejects.toThrow(RequestValidationException);
    await expect(sut.rotateSecret(SYSTEM_PRINCIPAL, orgA, jwt.id)).rejects.toThrow(TenancyConflictException);
  });

  it("refuses a clearance above the organization's maximum, and a project of another organization", async () => {
    await expect(sut.create(SYSTEM_PRINCIPAL, orgA, input({ clearance: 'restricted' }))).rejects.toMatchObject({
      errors: [{ pointer: '/clearance', detail: expect.stringContaining('confidential') }],
    });
    const projectOfB = await testbed.app.get(ProjectsService).create(SYSTEM_PRINCIPAL, orgB, { name: 'p' });
    await expect(sut.create(SYSTEM_PRINCIPAL, orgA, input({ projectId: projectOfB.id }))).rejects.toMatchObject({
      errors: [{ pointer: '/projectId', detail: 'No such project in this organization.' }],
    });
  });

  it('rotates: the new secret works, the old one only within the overlap', async () => {
    const created = await sut.create(SYSTEM_PRINCIPAL, orgA, input());
    const before = Date.now();
    const rotated = await sut.rotateSecret(SYSTEM_PRINCIPAL, orgA, created.id);
    expect(rotated.clientSecret).not.toBe(created.clientSecret);
    const row = await stored(created.id);
    expect(row.previousSecretExpiresAt!.getTime()).toBeGreaterThanOrEqual(before + OVERLAP_SECONDS * 1000);
    expect(row.previousSecretExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + OVERLAP_SECONDS * 1000);

    const now = new Date();
    expect(clientSecretMatches(row, rotated.clientSecret, masterKey, now)).toBe(true);
    expect(clientSecretMatches(row, created.clientSecret!, masterKey, now)).toBe(true);
    const afterOverlap = new Date(row.previousSecretExpiresAt!.getTime() + 1);
    expect(clientSecretMatches(row, created.clientSecret!, masterKey, afterOverlap)).toBe(false);
    expect(clientSecretMatches(row, rotated.clientSecret, masterKey, afterOverlap)).toBe(true);

    // A second rotation retires the first secret at once.
    const again = await sut.rotateSecret(SYSTEM_PRINCIPAL, orgA, created.id);
    const row2 = await stored(created.id);
    expect(clientSecretMatches(row2, created.clientSecret!, masterKey)).toBe(false);
    expect(clientSecretMatches(row2, rotated.clientSecret, masterKey)).toBe(true);
    expect(clientSecretMatches(row2, again.clientSecret, masterKey)).toBe(true);
  });

  it('disables: status, disabledAt, every token of the application revoked, caches told', async () => {
    const created = await sut.create(SYSTEM_PRINCIPAL, orgA, input());
    const changes: CredentialChange[] = [];
    testbed.app.get(TenancyEvents).onCredentialChange((change) => changes.push(change));
    const revocation = testbed.app.get(RevocationService);
    const issuedAt = Math.floor(Date.now() / 1000) - 1;
    expect(await revocation.isRevoked({ subject: created.id, issuedAt })).toBe(false);

    const disabled = await sut.disable(SYSTEM_PRINCIPAL, orgA, created.id);
    expect(disabled).toMatchObject({ status: 'disabled', disabledAt: expect.any(Date) });
    expect(await revocation.isRevoked({ subject: created.id, issuedAt })).toBe(true);
    expect(changes).toEqual([{ kind: 'application', applicationId: created.id }]);
    expect((await stored(created.id)).status).toBe('disabled');
    expect(await sut.enable(SYSTEM_PRINCIPAL, orgA, created.id)).toMatchObject({ status: 'active', disabledAt: null });
  });

  it('refuses an application disabling itself', async () => {
    const created = await sut.create(SYSTEM_PRINCIPAL, orgA, input());
    const itself = testPrincipal(orgA, ['org-admin'], created.id);
    await expect(sut.disable(itself, orgA, created.id)).rejects.toThrow(TenancyConflictException);
  });

  it('revokes tokens when an update narrows what they grant, not on a rename', async () => {
    const created = await sut.create(SYSTEM_PRINCIPAL, orgA, input({ allowedScopes: ['infer', 'models:read'] }));
    const revocation = testbed.app.get(RevocationService);
    const issuedAt = Math.floor(Date.now() / 1000) - 1;
    await sut.update(SYSTEM_PRINCIPAL, orgA, created.id, { name: 'renamed' });
    expect(await revocation.isRevoked({ subject: created.id, issuedAt })).toBe(false);
    const updated = await sut.update(SYSTEM_PRINCIPAL, orgA, created.id, { allowedScopes: ['infer'] });
    expect(updated).toMatchObject({ name: 'renamed', allowedScopes: ['infer'] });
    expect(await revocation.isRevoked({ subject: created.id, issuedAt })).toBe(true);
    const row = await stored(created.id);
    expect(row.secretHash).toBe(masterKey.hash('client-secret', created.clientSecret!));
  });

  it('keeps org admins in their organization (404 elsewhere, alike for missing) and auditors read-only (403)', async () => {
    const inB = await sut.create(SYSTEM_PRINCIPAL, orgB, input());
    const orgAdminA = testPrincipal(orgA, ['org-admin']);
    const missing = '00000000-0000-4000-8000-00000000dead';
    for (const attempt of [
      () => sut.get(orgAdminA, orgB, inB.id),
      () => sut.get(orgAdminA, orgA, inB.id),
      () => sut.get(orgAdminA, orgA, missing),
      () => sut.disable(orgAdminA, orgB, inB.id),
      () => sut.rotateSecret(orgAdminA, orgB, inB.id),
      () => sut.create(orgAdminA, orgB, input()),
      () => sut.list(orgAdminA, orgB, { limit: 50, offset: 0 }),
    ]) {
      await expect(attempt()).rejects.toThrow(ResourceNotFoundException);
    }
    const inA = await sut.create(orgAdminA, orgA, input());
    const auditorA = testPrincipal(orgA, ['auditor']);
    await expect(sut.get(auditorA, orgA, inA.id)).resolves.toMatchObject({ id: inA.id });
    await expect(sut.rotateSecret(auditorA, orgA, inA.id)).rejects.toThrow(AccessForbiddenException);
    await expect(sut.create(auditorA, orgA, input())).rejects.toThrow(AccessForbiddenException);
  });

  it('refuses new applications in a disabled organization', async () => {
    await testbed.app.get(OrganizationsService).disable(SYSTEM_PRINCIPAL, orgA);
    await expect(sut.create(SYSTEM_PRINCIPAL, orgA, input())).rejects.toThrow(TenancyConflictException);
  });
});
