import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DatabaseService, dataSourceOptions } from '@infergate/database';
import { ApplicationEntity } from '../tenancy/application.entity';
import { OrganizationEntity } from '../tenancy/organization.entity';
import { ProjectEntity } from '../tenancy/project.entity';
import { RoleBindingEntity } from '../tenancy/role-binding.entity';
import { ApplicationCertificateAuthenticator, CERTIFICATE_LOOKUP_TTL_MS } from './application-certificate.authenticator';
import type { ClientCertificate } from './client-certificate';

function certificate(overrides: Partial<ClientCertificate> = {}): ClientCertificate {
  return {
    thumbprint: randomUUID().replace(/-/g, '').padEnd(43, 'A'),
    subject: 'CN=scorer',
    subjectAltNames: [],
    source: 'tls',
    ...overrides,
  };
}

describe(ApplicationCertificateAuthenticator.name, () => {
  let dataSource: DataSource;
  let database: DatabaseService;
  let sut: ApplicationCertificateAuthenticator;
  let org: OrganizationEntity;

  beforeAll(async () => {
    dataSource = new DataSource({
      ...dataSourceOptions({ sqlitePath: ':memory:', connectTimeoutMs: 5000, poolSize: 10 }),
      entities: [OrganizationEntity, ProjectEntity, ApplicationEntity, RoleBindingEntity],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    database = { repository: (entity: never) => dataSource.getRepository(entity) } as unknown as DatabaseService;
  });
  afterAll(() => dataSource.destroy());

  beforeEach(async () => {
    sut = new ApplicationCertificateAuthenticator(database);
    org = await saveOrganization();
  });
  afterEach(() => jest.useRealTimers());

  async function saveOrganization(overrides: Partial<OrganizationEntity> = {}): Promise<OrganizationEntity> {
    const now = new Date();
    return dataSource.getRepository(OrganizationEntity).save({
      id: randomUUID(),
      name: `org-${randomUUID()}`,
      displayName: null,
      status: 'active',
      allowedRegions: [],
      allowedCidrs: [],
      maxClearance: 'restricted',
      createdAt: now,
      updatedAt: now,
      ...overrides,
    });
  }

  async function saveApplication(overrides: Partial<ApplicationEntity>): Promise<ApplicationEntity> {
    const now = new Date();
    return dataSource.getRepository(ApplicationEntity).save({
      id: randomUUID(),
      orgId: org.id,
      projectId: null,
      clientId: `client-${randomUUID()}`,
      name: 'scorer',
      status: 'active',
      authMethod: 'tls_client_auth',
      allowedScopes: ['infer', 'models:read'],
      secretHash: null,
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      jwks: null,
      tlsCertThumbprint: null,
      tlsSubjectSan: null,
      clearance: 'confidential',
      allowedRegions: ['eu-west-1'],
      allowedCidrs: ['10.0.0.0/8'],
      createdAt: now,
      updatedAt: now,
      disabledAt: null,
      ...overrides,
    });
  }

  it('builds the principal of the application registered by thumbprint', async () => {
    const cert = certificate();
    const project = await dataSource.getRepository(ProjectEntity).save({
      id: randomUUID(),
      orgId: org.id,
      name: 'fraud',
      status: 'active',
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const app = await saveApplication({ tlsCertThumbprint: cert.thumbprint, projectId: project.id });
    await dataSource.getRepository(RoleBindingEntity).save({
      id: randomUUID(),
      principalType: 'application',
      principalId: app.id,
      role: 'model-consumer',
      orgId: org.id,
      projectId: project.id,
      createdAt: new Date(),
    });

    expect(await sut.authenticate(cert)).toEqual({
      kind: 'application',
      subject: app.id,
      clientId: app.clientId,
      orgId: org.id,
      projectIds: [project.id],
      roles: [{ role: 'model-consumer', orgId: org.id, projectId: project.id }],
      scopes: ['infer', 'models:read'],
      clearance: 'confidential',
      allowedRegions: ['eu-west-1'],
      allowedCidrs: ['10.0.0.0/8'],
      authMethod: 'client_certificate',
      certificateThumbprint: cert.thumbprint,
    });
  });

  it('finds an application by one of the certificate SANs, in canonical form', async () => {
    const app = await saveApplication({ tlsSubjectSan: 'URI:spiffe://example.org/sa/scorer' });
    const cert = certificate({ subjectAltNames: ['DNS:scorer.example.com', 'URI:spiffe://example.org/sa/scorer'] });
    expect((await sut.authenticate(cert))?.subject).toBe(app.id);
    expect(await sut.authenticate(certificate({ subjectAltNames: ['URI:spiffe://example.org/sa/other'] }))).toBeUndefined();
  });

  it('prefers a thumbprint pin over a SAN match', async () => {
    const cert = certificate({ subjectAltNames: ['DNS:shared.example.com'] });
    await saveApplication({ tlsSubjectSan: 'DNS:shared.example.com' });
    const pinned = await saveApplication({ tlsCertThumbprint: cert.thumbprint });
    expect((await sut.authenticate(cert))?.subject).toBe(pinned.id);
  });

  it('authenticates nobody when two applications match alike', async () => {
    await saveApplication({ tlsSubjectSan: 'DNS:twice.example.com' });
    await saveApplication({ tlsSubjectSan: 'DNS:twice.example.com' });
    expect(await sut.authenticate(certificate({ subjectAltNames: ['DNS:twice.example.com'] }))).toBeUndefined();
  });

  it('needs both the thumbprint and the SAN when both are registered', async () => {
    const cert = certificate({ subjectAltNames: ['DNS:scorer.example.com'] });
    await saveApplication({ tlsCertThumbprint: cert.thumbprint, tlsSubjectSan: 'DNS:other.example.com' });
    expect(await sut.authenticate(cert)).toBeUndefined();
  });

  it('refuses a disabled application, another auth method, a disabled organization or project', async () => {
    const disabled = certificate();
    await saveApplication({ tlsCertThumbprint: disabled.thumbprint, status: 'disabled', disabledAt: new Date() });
    const secretClient = certificate();
    await saveApplication({ tlsCertThumbprint: secretClient.thumbprint, authMethod: 'client_secret_basic' });
    const orphan = certificate();
    const disabledOrg = await saveOrganization({ status: 'disabled' });
    await saveApplication({ tlsCertThumbprint: orphan.thumbprint, orgId: disabledOrg.id });
    const inDisabledProject = certificate();
    const project = await dataSource.getRepository(ProjectEntity).save({
      id: randomUUID(),
      orgId: org.id,
      name: 'retired',
      status: 'disabled',
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await saveApplication({ tlsCertThumbprint: inDisabledProject.thumbprint, projectId: project.id });

    for (const cert of [disabled, secretClient, orphan, inDisabledProject]) expect(await sut.authenticate(cert)).toBeUndefined();
  });

  it("never grants more clearance than the organization's maximum", async () => {
    const cert = certificate();
    const internalOrg = await saveOrganization({ maxClearance: 'internal' });
    await saveApplication({ tlsCertThumbprint: cert.thumbprint, orgId: internalOrg.id, clearance: 'restricted' });
    expect((await sut.authenticate(cert))?.clearance).toBe('internal');
  });

  it(`caches a lookup, found or not, for at most ${CERTIFICATE_LOOKUP_TTL_MS} ms`, async () => {
    const cert = certificate();
    const app = await saveApplication({ tlsCertThumbprint: cert.thumbprint });
    const unknown = certificate();
    const find = jest.spyOn(database, 'repository');
    expect(await sut.authenticate(cert)).toBeDefined();
    expect(await sut.authenticate(unknown)).toBeUndefined();
    const lookups = find.mock.calls.length;

    await dataSource.getRepository(ApplicationEntity).update(app.id, { status: 'disabled' });
    await saveApplication({ tlsCertThumbprint: unknown.thumbprint });
    const again = await Promise.all([sut.authenticate(cert), sut.authenticate(cert), sut.authenticate(unknown)]);
    expect(again.map(Boolean)).toEqual([true, true, false]);
    expect(find.mock.calls.length).toBe(lookups);

    jest.useFakeTimers({ now: Date.now() + CERTIFICATE_LOOKUP_TTL_MS + 1, doNotFake: ['nextTick', 'setImmediate'] });
    expect(await sut.authenticate(cert)).toBeUndefined();
    expect(await sut.authenticate(unknown)).toBeDefined();
    find.mockRestore();
  });

  it('hands out copies, so that a caller cannot change the cached principal', async () => {
    const cert = certificate();
    await saveApplication({ tlsCertThumbprint: cert.thumbprint });
    (await sut.authenticate(cert))?.scopes.push('admin');
    expect((await sut.authenticate(cert))?.scopes).toEqual(['infer', 'models:read']);
  });

  it('does not cache a database failure', async () => {
    const cert = certificate();
    await saveApplication({ tlsCertThumbprint: cert.thumbprint });
    const failing = jest.spyOn(database, 'repository').mockImplementationOnce(() => {
      throw new Error('database unavailable');
    });
    await expect(sut.authenticate(cert)).rejects.toThrow('database unavailable');
    failing.mockRestore();
    expect(await sut.authenticate(cert)).toBeDefined();
  });
});
