import { AuditEventEntity, AuditService } from '@infergate/audit';
import { MasterKey } from '../crypto/master-key';
import { ApplicationEntity } from './application.entity';
import { BOOTSTRAP_APPLICATION_ID, BOOTSTRAP_CONSOLE, BootstrapAdminService } from './bootstrap-admin.service';
import { clientSecretMatches } from './client-secrets';
import { OrganizationEntity } from './organization.entity';
import { RoleBindingEntity } from './role-binding.entity';
import { SCOPES } from '@infergate/contracts';
import { startTenancyTestbed } from './tenancy-testing';

describe(BootstrapAdminService.name, () => {
  let testbed: Awaited<ReturnType<typeof startTenancyTestbed>>;
  let printed: string[];

  const start = async (bootstrap: { adminClientId?: string; adminClientSecret?: string } = {}) => {
    printed = [];
    testbed = await startTenancyTestbed(
      { bootstrap },
      {
        providers: [BootstrapAdminService, { provide: BOOTSTRAP_CONSOLE, useValue: { write: (text: string) => printed.push(text) } }],
      },
    );
    return testbed.app.get(BootstrapAdminService);
  };
  afterEach(() => testbed.close());

  it('runs after migrations: creates the platform org and an admin application, prints the generated secret once', async () => {
    await start();
    // database.migrate() in the testbed ran the ready hook already.
    const apps = await testbed.database.repository(ApplicationEntity).find();
    expect(apps).toHaveLength(1);
    const [app] = apps;
    expect(app).toMatchObject({ id: BOOTSTRAP_APPLICATION_ID, status: 'active', allowedScopes: [...SCOPES], clearance: 'restricted' });
    const org = await testbed.database.repository(OrganizationEntity).findOneByOrFail({ id: app.orgId });
    expect(org.name).toBe('platform');
    expect(await testbed.database.repository(RoleBindingEntity).findBy({ principalId: app.id })).toEqual([
      expect.objectContaining({ role: 'platform-admin', orgId: null, projectId: null, principalType: 'application' }),
    ]);

    expect(printed).toHaveLength(1);
    const secret = /client secret:\s+(\S+)/.exec(printed[0])?.[1];
    expect(printed[0]).toContain(app.clientId);
    expect(clientSecretMatches(app, secret!, testbed.app.get(MasterKey))).toBe(true);

    await testbed.app.get(AuditService).flush();
    const audit = await testbed.database.repository(AuditEventEntity).findBy({ action: 'tenancy.bootstrap_admin.created' });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(secret);

    // Later starts: nothing created, nothing printed.
    await expect(testbed.app.get(BootstrapAdminService).ensurePlatformAdmin()).resolves.toBeUndefined();
    await testbed.database.migrate();
    expect(printed).toHaveLength(1);
    expect(await testbed.database.repository(ApplicationEntity).count()).toBe(1);
  });

  it('uses the configured client id and secret, and prints nothing', async () => {
    const secret = 'a-configured-secret-of-more-than-32-chars';
    await start({ adminClientId: 'ops-admin', adminClientSecret: secret });
    const app = await testbed.database.repository(ApplicationEntity).findOneByOrFail({ clientId: 'ops-admin' });
    expect(clientSecretMatches(app, secret, testbed.app.get(MasterKey))).toBe(true);
    expect(printed).toEqual([]);
  });

  it('creates exactly one admin when several starts race', async () => {
    const sut = await start();
    await testbed.database.repository(RoleBindingEntity).clear();
    await testbed.database.repository(ApplicationEntity).clear();
    printed = [];
    const results = await Promise.all([sut.ensurePlatformAdmin(), sut.ensurePlatformAdmin(), sut.ensurePlatformAdmin()]);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    expect(await testbed.database.repository(ApplicationEntity).count()).toBe(1);
    expect(await testbed.database.repository(RoleBindingEntity).countBy({ role: 'platform-admin' })).toBe(1);
    expect(await testbed.database.repository(OrganizationEntity).countBy({ name: 'platform' })).toBe(1);
    expect(printed).toHaveLength(1);
  });

  it('moves on without a second admin or a banner when another replica inserted the bootstrap application first', async () => {
    const sut = await start();
    const repository = testbed.database.repository(ApplicationEntity);
    const theirs = await repository.findOneByOrFail({ id: BOOTSTRAP_APPLICATION_ID });
    // The other replica's application is committed; its role binding not yet.
    await testbed.database.repository(RoleBindingEntity).clear();
    printed = [];
    await expect(sut.ensurePlatformAdmin()).resolves.toBeUndefined();
    expect(await repository.find()).toEqual([theirs]);
    expect(printed).toEqual([]);
  });
});
