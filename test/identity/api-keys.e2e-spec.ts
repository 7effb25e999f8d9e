import { randomBytes } from 'node:crypto';
import { DatabaseService } from '@infergate/database';
import { SCOPES } from '@infergate/contracts';
import { ApiKeyEntity, ApiKeysService, BOOTSTRAP_APPLICATION_ID, OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { RunningGateway, startGateway } from '../support/in-process-gateway';

const ADMIN_ROUTE = '/v1/admin/organizations';

describe('API keys (e2e)', () => {
  let gateway: RunningGateway;
  let adminKey: string;
  let orgId: string;
  let appId: string;

  const send = (headers: Record<string, string>, path = ADMIN_ROUTE, init: RequestInit = {}) =>
    fetch(`${gateway.url}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await send({ authorization: `Bearer ${adminKey}` }, path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
  };
  const keysPath = () => `/v1/admin/organizations/${orgId}/applications/${appId}/api-keys`;

  beforeAll(async () => {
    gateway = await startGateway({
      MASTER_KEY: randomBytes(32).toString('base64'),
      BOOTSTRAP_ADMIN_CLIENT_SECRET: 'bootstrap-e2e-secret-0123456789abcdef',
      FAILED_AUTH_SLOW_AFTER: '1000',
      FAILED_AUTH_BLOCK_AFTER: '1000',
    });
    const platform = (await gateway.app.get(OrganizationsService).list(SYSTEM_PRINCIPAL, { limit: 10, offset: 0 })).items[0];
    adminKey = (
      await gateway.app
        .get(ApiKeysService)
        .create(SYSTEM_PRINCIPAL, platform.id, BOOTSTRAP_APPLICATION_ID, { name: 'e2e', scopes: [...SCOPES] })
    ).key;
    orgId = (await admin('POST', ADMIN_ROUTE, { name: 'keys-org' })).body.id;
    appId = (await admin('POST', `/v1/admin/organizations/${orgId}/applications`, { name: 'keys-app', allowedScopes: ['infer', 'admin'] }))
      .body.id;
    await admin('POST', '/v1/admin/role-bindings', { principalType: 'application', principalId: appId, role: 'org-admin', orgId });
  });
  afterAll(() => gateway.close());

  it('creates a key shown once; it works in Authorization: Bearer and in X-API-Key; lists never show it', async () => {
    const created = await admin('POST', keysPath(), { name: 'ci', scopes: ['admin'] });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(new RegExp(`^ig_${created.body.id}_[A-Za-z0-9_-]{43}$`));
    expect(created.body).toMatchObject({
      name: 'ci',
      scopes: ['admin'],
      applicationId: appId,
      orgId,
      revokedAt: null,
      prefix: `ig_${created.body.id}`,
    });

    for (const headers of [{ authorization: `Bearer ${key}` }, { 'x-api-key': key }] as Record<string, string>[]) {
      const response = await send(headers);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { items: { id: string }[] }).items.map((o) => o.id)).toEqual([orgId]);
    }
    const list = await admin('GET', keysPath());
    const one = await admin('GET', `${keysPath()}/${created.body.id}`);
    for (const response of [list, one]) {
      expect(response.status).toBe(200);
      expect(response.text).not.toContain(key);
      expect(response.text).not.toMatch(/keyHash|"key"/);
    }
    const row = await gateway.app.get(DatabaseService).repository(ApiKeyEntity).findOneByOrFail({ id: created.body.id });
    expect(JSON.stringify(row)).not.toContain(key.slice(36));
  });

  it('answers unknown, revoked, expired, malformed, forged and disabled-application keys with byte-identical 401s', async () => {
    const database = gateway.app.get(DatabaseService);
    const revoked = (await admin('POST', keysPath(), { name: 'revoked', scopes: ['admin'] })).body;
    expect((await send({ 'x-api-key': revoked.key })).status).toBe(200); // cached now
    expect((await admin('DELETE', `${keysPath()}/${revoked.id}`)).status).toBe(204);

    const expired = (await admin('POST', keysPath(), { name: 'expired', scopes: ['admin'] })).body;
    await database.repository(ApiKeyEntity).update({ id: expired.id }, { expiresAt: new Date(Date.now() - 1000) });

    const otherApp = (await admin('POST', `/v1/admin/organizations/${orgId}/applications`, { name: 'doomed', allowedScopes: ['admin'] }))
      .body.id;
    const doomed = (
      await admin('POST', `/v1/admin/organizations/${orgId}/applications/${otherApp}/api-keys`, { name: 'd', scopes: ['admin'] })
    ).body;
    // Authenticated (and cached now), but no policy lets an application without a role list organizations.
    const before = await send({ 'x-api-key': doomed.key });
    expect(before.status).toBe(403);
    await admin('POST', `/v1/admin/organizations/${orgId}/applications/${otherApp}/disable`);

    const valid = (await admin('POST', keysPath(), { name: 'valid', scopes: ['admin'] })).body.key as string;
    const forged = valid.slice(0, -1) + (valid.endsWith('A') ? 'B' : 'A');
    const candidates = {
      unknown: `ig_${randomBytes(16).toString('hex')}_${randomBytes(32).toString('base64url')}`,
      revoked: revoked.key,
      expired: expired.key,
      forged,
      disabledApplication: doomed.key,
      truncated: valid.slice(0, -5),
      noSecret: `ig_${revoked.id}`,
      sqlish: "ig_'OR'1'='1'--_x",
      long: `ig_${'a'.repeat(5000)}`,
    };
    const answers = [];
    for (const [name, key] of Object.entries(candidates)) {
      for (const headers of [{ 'x-api-key': key }, { authorization: `Bearer ${key}` }] as Record<string, string>[]) {
        const response = await send(headers);
        const body = (await response.json()) as Record<string, unknown>;
        answers.push({
          name,
          status: response.status,
          wwwAuthenticate: response.headers.get('www-authenticate'),
          contentType: response.headers.get('content-type'),
          body: JSON.stringify({ ...body, requestId: 'x', instance: 'x' }),
        });
      }
    }
    const [first] = answers;
    expect(first).toMatchObject({ status: 401, wwwAuthenticate: 'Bearer realm="infergate", error="invalid_token"' });
    expect(JSON.parse(first.body)).toEqual({
      type: 'urn:infergate:problem:invalid-token',
      title: 'Unauthorized',
      status: 401,
      detail: 'The credential presented is not valid.',
      instance: 'x',
      requestId: 'x',
    });
    for (const answer of answers) expect({ ...answer, name: first.name }).toEqual(first);
  });

  it('refuses a key without the admin scope with 403 insufficient_scope', async () => {
    const inferOnly = (await admin('POST', keysPath(), { name: 'infer-only', scopes: ['infer'] })).body.key as string;
    const response = await send({ 'x-api-key': inferOnly });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="infergate", error="insufficient_scope", scope="admin"');
    expect(await response.json()).toMatchObject({ type: 'urn:infergate:problem:insufficient-scope', status: 403 });
  });

  it("validates creation: scopes within the application's, expiry in the future and within a year, no unknown fields", async () => {
    const beyond = await admin('POST', keysPath(), { name: 'x', scopes: ['models:write'] });
    expect(beyond.status).toBe(400);
    expect(beyond.body.errors).toEqual([{ pointer: '/scopes/0', detail: expect.stringContaining('models:write') }]);
    const past = await admin('POST', keysPath(), { name: 'x', scopes: ['infer'], expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.body.errors).toEqual([{ pointer: '/expiresAt', detail: 'Must be in the future.' }]);
    const far = await admin('POST', keysPath(), {
      name: 'x',
      scopes: ['infer'],
      expiresAt: new Date(Date.now() + 800 * 86_400_000).toISOString(),
    });
    expect(far.body.errors).toEqual([{ pointer: '/expiresAt', detail: expect.stringContaining('366') }]);
    const junk = await admin('POST', keysPath(), { name: 'x', scopes: ['infer'], expiresAt: 'tomorrow', keyHash: 'mine' });
    expect(junk.status).toBe(400);
    expect(junk.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/expiresAt', '/keyHash']);
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const ok = await admin('POST', keysPath(), { name: 'x', scopes: ['infer'], expiresAt: soon });
    expect(ok.status).toBe(201);
    expect(ok.body.expiresAt).toBe(soon);
  });

  it('records the last use', async () => {
    const created = (await admin('POST', keysPath(), { name: 'used', scopes: ['admin'] })).body;
    expect(created.lastUsedAt).toBeNull();
    const before = Date.now();
    expect((await send({ 'x-api-key': created.key })).status).toBe(200);
    let lastUsedAt: string | null = null;
    for (let i = 0; i < 50 && !lastUsedAt; i += 1) {
      lastUsedAt = (await admin('GET', `${keysPath()}/${created.id}`)).body.lastUsedAt;
      if (!lastUsedAt) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(new Date(lastUsedAt!).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('refuses a key in the URL before looking at it', async () => {
    const created = (await admin('POST', keysPath(), { name: 'url', scopes: ['admin'] })).body.key as string;
    const response = await fetch(`${gateway.url}${ADMIN_ROUTE}?api_key=${created}`);
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain(created);
  });
});
