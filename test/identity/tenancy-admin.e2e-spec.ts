import { randomBytes } from 'node:crypto';
import { AuditEventEntity, AuditService } from '@infergate/audit';
import { DatabaseService } from '@infergate/database';
import { SCOPES, type Scope } from '@infergate/contracts';
import {
  ApiKeysService,
  ApplicationEntity,
  ApplicationsService,
  BOOTSTRAP_APPLICATION_ID,
  clientSecretMatches,
  MasterKey,
  OrganizationsService,
  RevocationService,
  RoleBindingsService,
  SYSTEM_PRINCIPAL,
} from '@infergate/identity';
import { RunningGateway, startGateway } from '../support/in-process-gateway';

const PROBLEM_JSON = /^application\/problem\+json/;
const OVERLAP_SECONDS = 3600;

describe('tenancy admin API (e2e)', () => {
  let gateway: RunningGateway;
  let adminKey: string;

  const call = async (key: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
  };
  const admin = (method: string, path: string, body?: unknown) => call(adminKey, method, path, body);
  /** The problem body without what differs per request. */
  const stable = (body: Record<string, unknown>) => ({ ...body, requestId: undefined, instance: undefined });

  beforeAll(async () => {
    gateway = await startGateway({
      MASTER_KEY: randomBytes(32).toString('base64'),
      BOOTSTRAP_ADMIN_CLIENT_ID: 'bootstrap-e2e',
      BOOTSTRAP_ADMIN_CLIENT_SECRET: 'bootstrap-e2e-secret-0123456789abcdef',
      SECRET_ROTATION_OVERLAP_SECONDS: String(OVERLAP_SECONDS),
      FAILED_AUTH_SLOW_AFTER: '1000',
      FAILED_AUTH_BLOCK_AFTER: '1000',
    });
    const platform = await gateway.app
      .get(ApplicationsService)
      .findReadable(SYSTEM_PRINCIPAL, await platformOrgId(), BOOTSTRAP_APPLICATION_ID);
    adminKey = (
      await gateway.app.get(ApiKeysService).create(SYSTEM_PRINCIPAL, platform.orgId, platform.id, { name: 'e2e', scopes: [...SCOPES] })
    ).key;
  });
  afterAll(() => gateway.close());

  async function platformOrgId(): Promise<string> {
    const page = await gateway.app.get(OrganizationsService).list(SYSTEM_PRINCIPAL, { limit: 200, offset: 0 });
    return page.items.find((org) => org.name === 'platform')!.id;
  }

  /** An application of `orgId` holding `role` there, and an API key for it. */
  async function keyWithRole(orgId: string, role: 'org-admin' | 'auditor' | 'model-consumer', scopes: readonly Scope[] = ['admin']) {
    const app = await admin('POST', `/v1/admin/organizations/${orgId}/applications`, { name: `${role}-app`, allowedScopes: [...SCOPES] });
    expect(app.status).toBe(201);
    await gateway.app
      .get(RoleBindingsService)
      .create(SYSTEM_PRINCIPAL, { principalType: 'application', principalId: app.body.id, role, orgId });
    const key = await gateway.app.get(ApiKeysService).create(SYSTEM_PRINCIPAL, orgId, app.body.id, { name: 'k', scopes: [...scopes] });
    return { appId: app.body.id as string, key: key.key };
  }

  it('bootstraps a platform admin whose API key reaches the admin API', async () => {
    const response = await admin('GET', '/v1/admin/organizations');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ total: 1, limit: 50, offset: 0, items: [{ name: 'platform', status: 'active' }] });
  });

  it('creates, reads, updates, disables and enables an organization; duplicate names are 409', async () => {
    const created = await admin('POST', '/v1/admin/organizations', { name: 'org-crud', displayName: 'CRUD', allowedCidrs: ['10.0.0.0/8'] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'org-crud',
      displayName: 'CRUD',
      status: 'active',
      allowedRegions: [],
      allowedCidrs: ['10.0.0.0/8'],
      maxClearance: 'restricted',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const id = created.body.id as string;

    const duplicate = await admin('POST', '/v1/admin/organizations', { name: 'org-crud' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(duplicate.body).toMatchObject({ type: 'urn:infergate:problem:conflict', status: 409 });

    expect((await admin('GET', `/v1/admin/organizations/${id}`)).body).toMatchObject({ id, name: 'org-crud' });
    const patched = await admin('PATCH', `/v1/admin/organizations/${id}`, { maxClearance: 'confidential' });
    expect(patched.body).toMatchObject({ maxClearance: 'confidential', displayName: 'CRUD' });
    expect((await admin('POST', `/v1/admin/organizations/${id}/disable`)).body).toMatchObject({ status: 'disabled' });
    expect((await admin('POST', `/v1/admin/organizations/${id}/enable`)).body).toMatchObject({ status: 'active' });
    const paged = await admin('GET', '/v1/admin/organizations?limit=1&offset=1');
    expect(paged.body).toMatchObject({ limit: 1, offset: 1, items: [expect.any(Object)] });
  });

  it('refuses invalid input with 400 problem+json locating each error', async () => {
    const response = await admin('POST', '/v1/admin/organizations', {
      name: 'n'.repeat(101),
      id: 'chosen-by-me',
      allowedCidrs: ['10.0.0.0/33'],
      maxClearance: 'cosmic',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(response.body).toMatchObject({ type: 'urn:infergate:problem:validation-failed', status: 400, title: 'Bad Request' });
    expect((response.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '/allowedCidrs/0',
      '/id',
      '/maxClearance',
      '/name',
    ]);

    const org = await admin('POST', '/v1/admin/organizations', { name: 'org-validation', maxClearance: 'internal' });
    const app = await admin('POST', `/v1/admin/organizations/${org.body.id}/applications`, {
      name: 'svc',
      allowedScopes: ['infer', 'sudo'],
      clearance: 'internal',
    });
    expect(app.status).toBe(400);
    expect(app.body.errors).toEqual([{ pointer: '/allowedScopes/1', detail: expect.any(String) }]);
    const tooHigh = await admin('POST', `/v1/admin/organizations/${org.body.id}/applications`, { name: 'svc', clearance: 'confidential' });
    expect(tooHigh.status).toBe(400);
    expect(tooHigh.body.errors).toEqual([{ pointer: '/clearance', detail: expect.stringContaining('internal') }]);
    const patchOrg = await admin('PATCH', `/v1/admin/organizations/${org.body.id}`, { status: 'disabled' });
    expect(patchOrg.status).toBe(400);
    expect(patchOrg.body.errors).toEqual([{ pointer: '/status', detail: 'This field is not allowed.' }]);
    expect((await admin('GET', '/v1/admin/organizations?limit=0')).status).toBe(400);
    expect((await admin('GET', '/v1/admin/organizations?sort=name')).status).toBe(400);
  });

  it('manages projects; a name is unique within its organization only', async () => {
    const a = (await admin('POST', '/v1/admin/organizations', { name: 'org-proj-a' })).body.id as string;
    const b = (await admin('POST', '/v1/admin/organizations', { name: 'org-proj-b' })).body.id as string;
    const project = await admin('POST', `/v1/admin/organizations/${a}/projects`, { name: 'fraud' });
    expect(project.status).toBe(201);
    expect(project.body).toMatchObject({ orgId: a, name: 'fraud', status: 'active' });
    expect((await admin('POST', `/v1/admin/organizations/${a}/projects`, { name: 'fraud' })).status).toBe(409);
    expect((await admin('POST', `/v1/admin/organizations/${b}/projects`, { name: 'fraud' })).status).toBe(201);
    expect((await admin('PATCH', `/v1/admin/organizations/${a}/projects/${project.body.id}`, { name: 'risk' })).body).toMatchObject({
      name: 'risk',
    });
    expect((await admin('POST', `/v1/admin/organizations/${a}/projects/${project.body.id}/disable`)).body).toMatchObject({
      status: 'disabled',
    });
    expect((await admin('GET', `/v1/admin/organizations/${a}/projects`)).body).toMatchObject({ total: 1, items: [{ name: 'risk' }] });
    // A project id under the wrong organization does not exist.
    expect((await admin('GET', `/v1/admin/organizations/${b}/projects/${project.body.id}`)).status).toBe(404);
  });

  it('shows a client secret once, never in list or get, rotates with overlap, and disables at once', async () => {
    const orgId = (await admin('POST', '/v1/admin/organizations', { name: 'org-apps' })).body.id as string;
    const created = await admin('POST', `/v1/admin/organizations/${orgId}/applications`, {
      name: 'scorer',
      allowedScopes: ['infer'],
      clearance: 'internal',
      allowedCidrs: ['192.168.0.0/16'],
    });
    expect(created.status).toBe(201);
    const secret = created.body.clientSecret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({ authMethod: 'client_secret_basic', allowedScopes: ['infer'], status: 'active' });
    const appId = created.body.id as string;

    const list = await admin('GET', `/v1/admin/organizations/${orgId}/applications`);
    const one = await admin('GET', `/v1/admin/organizations/${orgId}/applications/${appId}`);
    for (const response of [list, one]) {
      expect(response.status).toBe(200);
      expect(response.text).not.toContain(secret);
      expect(response.text).not.toMatch(/secret_?hash|clientSecret/i);
    }
    const masterKey = gateway.app.get(MasterKey);
    const repository = gateway.app.get(DatabaseService).repository(ApplicationEntity);
    expect(clientSecretMatches(await repository.findOneByOrFail({ id: appId }), secret, masterKey)).toBe(true);

    const rotated = await admin('POST', `/v1/admin/organizations/${orgId}/applications/${appId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.clientSecret as string;
    expect(newSecret).not.toBe(secret);
    const expiresAt = new Date(rotated.body.previousSecretExpiresAt as string).getTime();
    expect(Math.abs(expiresAt - (Date.now() + OVERLAP_SECONDS * 1000))).toBeLessThan(10_000);
    const row = await repository.findOneByOrFail({ id: appId });
    expect(clientSecretMatches(row, newSecret, masterKey)).toBe(true);
    expect(clientSecretMatches(row, secret, masterKey)).toBe(true);
    expect(clientSecretMatches(row, secret, masterKey, new Date(expiresAt + 1000))).toBe(false);

    const before = Math.floor(Date.now() / 1000) - 1;
    const disabled = await admin('POST', `/v1/admin/organizations/${orgId}/applications/${appId}/disable`);
    expect(disabled.body).toMatchObject({ status: 'disabled', disabledAt: expect.any(String) });
    expect(await gateway.app.get(RevocationService).isRevoked({ subject: appId, issuedAt: before })).toBe(true);

    await gateway.app.get(AuditService).flush();
    const audit = await gateway.app.get(DatabaseService).repository(AuditEventEntity).findBy({ resourceId: appId });
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['tenancy.application.created', 'tenancy.application.secret_rotated', 'tenancy.application.disabled']),
    );
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect(JSON.stringify(audit)).not.toContain(newSecret);
  });

  it("answers an org admin's request for another organization exactly like one for a missing resource", async () => {
    const a = (await admin('POST', '/v1/admin/organizations', { name: 'org-iso-a' })).body.id as string;
    const b = (await admin('POST', '/v1/admin/organizations', { name: 'org-iso-b' })).body.id as string;
    const appOfB = (await admin('POST', `/v1/admin/organizations/${b}/applications`, { name: 'secret-svc' })).body.id as string;
    const { key } = await keyWithRole(a, 'org-admin');
    const missing = '00000000-0000-4000-8000-00000000dead';

    const pairs: [string, string, string][] = [
      ['GET', `/v1/admin/organizations/${b}`, `/v1/admin/organizations/${missing}`],
      ['GET', `/v1/admin/organizations/${b}/applications/${appOfB}`, `/v1/admin/organizations/${a}/applications/${missing}`],
      ['GET', `/v1/admin/organizations/${a}/applications/${appOfB}`, `/v1/admin/organizations/${missing}/applications/${missing}`],
      [
        'POST',
        `/v1/admin/organizations/${b}/applications/${appOfB}/disable`,
        `/v1/admin/organizations/${a}/applications/${missing}/disable`,
      ],
      ['GET', `/v1/admin/organizations/${b}/projects`, `/v1/admin/organizations/${missing}/projects`],
    ];
    for (const [method, foreign, absent] of pairs) {
      const theirs = await call(key, method, foreign);
      const none = await call(key, method, absent);
      expect(theirs.status).toBe(404);
      expect(stable(theirs.body)).toEqual(stable(none.body));
      expect(theirs.headers.get('content-type')).toBe(none.headers.get('content-type'));
    }
    // The application in B is untouched.
    expect((await admin('GET', `/v1/admin/organizations/${b}/applications/${appOfB}`)).body.status).toBe('active');

    const listed = await call(key, 'GET', '/v1/admin/organizations');
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual([a]);
    expect((await call(key, 'POST', '/v1/admin/organizations', { name: 'org-iso-c' })).status).toBe(403);
    expect((await call(key, 'POST', `/v1/admin/organizations/${a}/projects`, { name: 'mine' })).status).toBe(201);
    const escalate = await call(key, 'POST', '/v1/admin/role-bindings', {
      principalType: 'application',
      principalId: appOfB,
      role: 'platform-admin',
    });
    expect(escalate.status).toBe(403);
    const intoB = await call(key, 'POST', '/v1/admin/role-bindings', {
      principalType: 'application',
      principalId: appOfB,
      role: 'auditor',
      orgId: b,
    });
    expect(intoB.status).toBe(404);
  });

  it('lets an auditor read its organization but not change it', async () => {
    const orgId = (await admin('POST', '/v1/admin/organizations', { name: 'org-audited' })).body.id as string;
    // Auditors read with an audit:read token (policies/10-tenancy.yaml); their writes are refused whatever the scope.
    const { key } = await keyWithRole(orgId, 'auditor', ['audit:read', 'admin']);
    expect((await call(key, 'GET', `/v1/admin/organizations/${orgId}/applications`)).status).toBe(200);
    expect((await call(key, 'POST', `/v1/admin/organizations/${orgId}/applications`, { name: 'x' })).status).toBe(403);
    expect((await call(key, 'POST', `/v1/admin/organizations/${orgId}/disable`)).status).toBe(403);
  });

  it('grants, lists and deletes role bindings; deleting revokes the principal’s tokens', async () => {
    const orgId = (await admin('POST', '/v1/admin/organizations', { name: 'org-roles' })).body.id as string;
    const appId = (await admin('POST', `/v1/admin/organizations/${orgId}/applications`, { name: 'svc' })).body.id as string;
    const granted = await admin('POST', '/v1/admin/role-bindings', {
      principalType: 'application',
      principalId: appId,
      role: 'model-publisher',
      orgId,
    });
    expect(granted.status).toBe(201);
    expect(
      (await admin('POST', '/v1/admin/role-bindings', { principalType: 'application', principalId: appId, role: 'model-publisher', orgId }))
        .status,
    ).toBe(409);
    const bad = await admin('POST', '/v1/admin/role-bindings', { principalType: 'robot', principalId: appId, role: 'overlord', orgId });
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/principalType', '/role']);
    const listed = await admin('GET', `/v1/admin/role-bindings?principalId=${appId}`);
    expect(listed.body).toMatchObject({ total: 1, items: [{ id: granted.body.id, role: 'model-publisher', orgId }] });

    const before = Math.floor(Date.now() / 1000) - 1;
    const deleted = await admin('DELETE', `/v1/admin/role-bindings/${granted.body.id}`);
    expect(deleted.status).toBe(204);
    expect(await gateway.app.get(RevocationService).isRevoked({ subject: appId, issuedAt: before })).toBe(true);
    expect((await admin('DELETE', `/v1/admin/role-bindings/${granted.body.id}`)).status).toBe(404);

    const platformBinding = (await admin('GET', '/v1/admin/role-bindings?role=platform-admin')).body.items[0];
    expect(platformBinding).toMatchObject({ principalId: BOOTSTRAP_APPLICATION_ID, orgId: null });
    expect((await admin('DELETE', `/v1/admin/role-bindings/${platformBinding.id}`)).status).toBe(409);
  });

  it('requires the admin scope on every admin route (403 insufficient_scope)', async () => {
    const orgId = (await admin('POST', '/v1/admin/organizations', { name: 'org-scope' })).body.id as string;
    const { key } = await keyWithRole(orgId, 'org-admin', ['infer'] as never);
    for (const path of ['/v1/admin/organizations', `/v1/admin/organizations/${orgId}/applications`, '/v1/admin/role-bindings']) {
      const response = await call(key, 'GET', path);
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="infergate", error="insufficient_scope", scope="admin"');
    }
  });

  it('documents the admin routes in the OpenAPI document without secret hashes', async () => {
    const doc = (await (await fetch(`${gateway.url}/docs-json`)).json()) as { paths: Record<string, unknown>; components: unknown };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/admin/organizations',
        '/v1/admin/organizations/{orgId}/applications/{appId}/rotate-secret',
        '/v1/admin/organizations/{orgId}/applications/{appId}/api-keys',
        '/v1/admin/role-bindings/{bindingId}',
      ]),
    );
    expect(JSON.stringify(doc.components)).not.toMatch(/secretHash|keyHash/);
  });
});
