import { randomUUID } from 'node:crypto';
import { validatePlain } from '@infergate/validation';
import { AuditEventEntity, AuditService } from '@infergate/audit';
import { DatabaseService } from '@infergate/database';
import { Principal } from '@infergate/contracts';
import { OrganizationEntity, UserEntity } from '@infergate/identity';
import { CreateTrustedIssuerDto } from '../../libs/identity/src/tokens/trusted-issuer.dto';
import { TrustedIssuerEntity } from '../../libs/identity/src/tokens/trusted-issuer.entity';
import { TrustedIssuersService } from '../../libs/identity/src/tokens/trusted-issuers.service';
import { FakeIdp, TOKEN_SUITE_ENV } from '../support/fake-idp';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { ProbeModule } from '../support/probe.module';

const INVALID_TOKEN = 'Bearer realm="infergate", error="invalid_token"';

describe('tokens from external identity providers', () => {
  let gateway: RunningGateway;
  let corp: FakeIdp;
  let keycloak: FakeIdp;
  let entra: FakeIdp;
  let orgId: string;
  let adminToken: string;
  const idps: FakeIdp[] = [];

  const startIdp = async (...args: Parameters<typeof FakeIdp.start>) => {
    const idp = await FakeIdp.start(...args);
    idps.push(idp);
    return idp;
  };
  const trust = (input: Record<string, unknown>) =>
    gateway.app.get(TrustedIssuersService).create('system', validatePlain(CreateTrustedIssuerDto, input));
  const get = (path: string, token?: string) =>
    fetch(`${gateway.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const send = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const whoami = async (token: string) => {
    const response = await get('/probe/whoami', token);
    expect(response.status).toBe(200);
    return (await response.json()) as Principal;
  };
  const expectInvalidToken = async (response: Response) => {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(INVALID_TOKEN);
    expect(await response.json()).toMatchObject({ status: 401, type: 'urn:infergate:problem:invalid-token' });
  };

  beforeAll(async () => {
    gateway = await startGateway(TOKEN_SUITE_ENV, [ProbeModule]);
    orgId = randomUUID();
    const at = new Date();
    await gateway.app
      .get(DatabaseService)
      .repository(OrganizationEntity)
      .insert({
        id: orgId,
        name: `org-${orgId.slice(0, 8)}`,
        displayName: null,
        status: 'active',
        allowedRegions: ['eu-west-1'],
        allowedCidrs: [],
        maxClearance: 'internal',
        createdAt: at,
        updatedAt: at,
      });
    // The platform's own workforce IdP: not bound to an organization, so it may speak for platform admins.
    corp = await startIdp({ issuerPath: '/corp', algorithms: ['ES256'] });
    await trust({ issuer: corp.issuer, jwksUri: corp.jwksUri, audience: 'infergate', algorithms: ['ES256'] });
    adminToken = await corp.sign(corp.claims('infergate', { sub: 'root@corp', azp: 'cli', roles: ['platform-admin'], scope: 'admin' }));

    keycloak = await startIdp({ issuerPath: '/realms/acme', algorithms: ['RS256'] });
    await trust({
      issuer: keycloak.issuer,
      orgId,
      jwksUri: keycloak.jwksUri,
      audience: 'infergate',
      algorithms: ['RS256'],
      claimMapping: { clearance: 'data_clearance' },
    });

    entra = await startIdp({ issuerPath: `/${randomUUID()}/v2.0`, algorithms: ['RS256'] });
    await trust({ issuer: entra.issuer, orgId, discovery: true, audience: 'api://infergate', algorithms: ['RS256'], clockSkewSeconds: 60 });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(idps.map((idp) => idp.close()));
  });

  describe('claim mapping', () => {
    it('maps a Keycloak user token: realm and client roles, scope string, clearance capped by the organization', async () => {
      const token = await keycloak.sign(
        keycloak.claims('infergate', {
          sub: 'kc-user-1',
          azp: 'portal',
          typ: 'Bearer',
          scope: 'openid profile infer models:read',
          realm_access: { roles: ['model-consumer', 'offline_access', 'platform-admin'] },
          resource_access: { infergate: { roles: ['model-publisher'] }, account: { roles: ['manage-account'] } },
          data_clearance: 'restricted',
          email: 'ada@acme.example',
          name: 'Ada',
        }),
      );
      const principal = await whoami(token);
      expect(principal).toMatchObject({
        kind: 'user',
        clientId: 'portal',
        orgId,
        scopes: ['infer', 'models:read'],
        clearance: 'internal',
        allowedRegions: ['eu-west-1'],
        authMethod: 'external_token',
        issuer: keycloak.issuer,
      });
      // platform-admin from an organization's IdP is dropped, never honoured.
      expect(principal.roles).toEqual([
        { role: 'model-consumer', orgId, projectId: null },
        { role: 'model-publisher', orgId, projectId: null },
      ]);
      expect(principal.subject).toMatch(/^[0-9a-f-]{36}$/);

      const users = gateway.app.get(DatabaseService).repository(UserEntity);
      let user: UserEntity | null = null;
      for (let attempt = 0; attempt < 50 && !user; attempt += 1) {
        user = await users.findOneBy({ issuer: keycloak.issuer, subject: 'kc-user-1' });
        if (!user) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(user).toMatchObject({ id: principal.subject, orgId, email: 'ada@acme.example', displayName: 'Ada' });
    });

    it('maps Entra ID tokens found through OIDC discovery: a user (scp string) and an application (idtyp app)', async () => {
      const user = await whoami(
        await entra.sign(
          entra.claims('api://infergate', {
            sub: 'AAAA-pairwise',
            oid: randomUUID(),
            azp: 'spa-client',
            scp: 'infer models:read',
            ver: '2.0',
          }),
        ),
      );
      expect(user).toMatchObject({ kind: 'user', clientId: 'spa-client', scopes: ['infer', 'models:read'], orgId });
      const app = await whoami(
        await entra.sign(
          entra.claims('api://infergate', { sub: randomUUID(), azp: 'daemon-client', idtyp: 'app', roles: ['model-consumer'], ver: '2.0' }),
        ),
      );
      expect(app).toMatchObject({
        kind: 'application',
        subject: 'daemon-client',
        clientId: 'daemon-client',
        scopes: [],
        roles: [{ role: 'model-consumer', orgId, projectId: null }],
      });
      const discovery = new URL(`${entra.issuer}/.well-known/openid-configuration`).pathname;
      expect(entra.count(discovery)).toBe(1);
      expect(entra.jwksFetches()).toBe(1);
    });
  });

  describe('key cache', () => {
    it('answers a flood of 1,000 random kids with at most one JWKS fetch per cooldown', async () => {
      const idp = await startIdp({ algorithms: ['ES256'] });
      await trust({ issuer: idp.issuer, orgId, jwksUri: idp.jwksUri, audience: 'infergate', algorithms: ['ES256'] });
      const forged = await Promise.all(
        Array.from({ length: 1000 }, () => idp.sign(idp.claims('infergate', { sub: randomUUID() }), { kid: randomUUID() })),
      );
      for (let i = 0; i < forged.length; i += 100) {
        const answers = await Promise.all(forged.slice(i, i + 100).map((token) => get('/probe/protected', token)));
        expect(answers.map((answer) => answer.status)).toEqual(Array(answers.length).fill(401));
      }
      expect(idp.jwksFetches()).toBe(1);
      const valid = await get('/probe/protected', await idp.sign(idp.claims('infergate', { sub: 'u' })));
      expect(valid.status).toBe(200);
      expect(idp.jwksFetches()).toBe(1);
    }, 30_000);

    it('keeps verifying known kids from cache while the IdP is down', async () => {
      const idp = await startIdp({ algorithms: ['RS256'] });
      await trust({ issuer: idp.issuer, orgId, jwksUri: idp.jwksUri, audience: 'infergate', algorithms: ['RS256'] });
      expect((await get('/probe/protected', await idp.sign(idp.claims('infergate', { sub: 'u1' })))).status).toBe(200);
      idp.mode = 'drop';
      expect((await get('/probe/protected', await idp.sign(idp.claims('infergate', { sub: 'u2' })))).status).toBe(200);
      await expectInvalidToken(
        await get('/probe/protected', await idp.sign(idp.claims('infergate', { sub: 'u3' }), { kid: 'rotated-while-down' })),
      );
      idp.mode = 'up';
    });

    it('answers 401 (not 5xx) when an IdP that was never reached is down', async () => {
      const idp = await startIdp({ algorithms: ['RS256'] });
      idp.mode = '503';
      await trust({ issuer: idp.issuer, orgId, jwksUri: idp.jwksUri, audience: 'infergate', algorithms: ['RS256'] });
      await expectInvalidToken(await get('/probe/protected', await idp.sign(idp.claims('infergate', { sub: 'u' }))));
    });
  });

  describe('opaque tokens (RFC 7662 introspection)', () => {
    let idp: FakeIdp;
    const client = { clientId: 'gateway', clientSecret: 'introspection s3cret/with:odd chars' };

    beforeAll(async () => {
      idp = await startIdp({ issuerPath: '/realms/opaque', introspectionClient: client });
      await trust({
        issuer: idp.issuer,
        orgId,
        discovery: true,
        audience: 'infergate',
        algorithms: ['RS256'],
        introspection: { clientId: client.clientId, clientSecret: client.clientSecret },
      });
    });

    it('accepts an active token, maps it, and caches the answer', async () => {
      const exp = Math.floor(Date.now() / 1000) + 300;
      idp.registerOpaqueToken('opaque-active-1', {
        active: true,
        iss: idp.issuer,
        aud: 'infergate',
        sub: 'op-user',
        client_id: 'portal',
        scope: 'infer',
        exp,
      });
      const introspect = new URL(idp.introspectionEndpoint).pathname;
      const before = idp.count(introspect);
      const principal = await whoami('opaque-active-1');
      expect(principal).toMatchObject({
        kind: 'user',
        clientId: 'portal',
        scopes: ['infer'],
        orgId,
        expiresAt: exp,
        authMethod: 'external_token',
      });
      await whoami('opaque-active-1');
      expect(idp.count(introspect) - before).toBe(1);
    });

    it.each([
      ['inactive', { active: false }],
      ['for another audience', { active: true, iss: 'x', aud: 'other', sub: 'u' }],
      ['from another issuer', { active: true, iss: 'https://elsewhere.example', aud: 'infergate', sub: 'u' }],
      ['expired', { active: true, aud: 'infergate', sub: 'u', exp: 1_000 }],
      ['a refresh token', { active: true, aud: 'infergate', sub: 'u', token_type: 'refresh_token' }],
    ])('refuses a token the IdP says is %s', async (_name, answer) => {
      const token = `opaque-${randomUUID()}`;
      idp.registerOpaqueToken(token, answer);
      await expectInvalidToken(await get('/probe/protected', token));
    });

    it('answers 401 while the IdP is down', async () => {
      idp.registerOpaqueToken('opaque-while-down', { active: true, aud: 'infergate', sub: 'u' });
      idp.mode = '503';
      await expectInvalidToken(await get('/probe/protected', 'opaque-while-down'));
      idp.mode = 'up';
      expect((await get('/probe/protected', 'opaque-while-down')).status).toBe(200);
    });
  });

  describe('admin API /v1/admin/issuers', () => {
    it('lets a platform admin create, read, update, disable and enable an issuer, never showing the secret', async () => {
      const idp = await startIdp({ algorithms: ['ES256'] });
      const created = await send('POST', '/v1/admin/issuers', adminToken, {
        issuer: idp.issuer,
        orgId,
        jwksUri: idp.jwksUri,
        audience: 'infergate',
        algorithms: ['ES256', 'ES256'],
        claimMapping: { roles: 'groups' },
        clockSkewSeconds: 10,
        introspection: { endpoint: idp.introspectionEndpoint, clientId: 'gw', clientSecret: 'never-shown-secret' },
      });
      expect(created.status).toBe(201);
      const body = (await created.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        issuer: idp.issuer,
        orgId,
        algorithms: ['ES256'],
        clockSkewSeconds: 10,
        status: 'active',
        introspection: { endpoint: idp.introspectionEndpoint, clientId: 'gw', clientSecretSet: true },
      });
      expect(JSON.stringify(body)).not.toContain('never-shown-secret');
      const id = body.id as string;
      const row = await gateway.app.get(DatabaseService).repository(TrustedIssuerEntity).findOneByOrFail({ id });
      expect(row.introspectionClientSecret).not.toContain('never-shown-secret');

      const token = await idp.sign(idp.claims('infergate', { sub: 'u', groups: ['model-consumer'] }));
      expect((await whoami(token)).roles).toEqual([{ role: 'model-consumer', orgId, projectId: null }]);

      const listed = (await (await get('/v1/admin/issuers', adminToken)).json()) as { id: string }[];
      expect(listed.map((issuer) => issuer.id)).toContain(id);
      expect(JSON.stringify(listed)).not.toContain('never-shown-secret');
      expect(await (await get(`/v1/admin/issuers/${id}`, adminToken)).json()).toMatchObject({ id, issuer: idp.issuer });

      const updated = await send('PATCH', `/v1/admin/issuers/${id}`, adminToken, { audience: 'another-audience' });
      expect(updated.status).toBe(200);
      expect(await updated.json()).toMatchObject({ audience: 'another-audience' });
      await expectInvalidToken(await get('/probe/protected', token));
      await send('PATCH', `/v1/admin/issuers/${id}`, adminToken, { audience: 'infergate' });
      expect((await get('/probe/protected', token)).status).toBe(200);

      const disabled = await send('POST', `/v1/admin/issuers/${id}/disable`, adminToken);
      expect(disabled.status).toBe(200);
      expect(await disabled.json()).toMatchObject({ status: 'disabled' });
      await expectInvalidToken(await get('/probe/protected', token));
      expect((await send('POST', `/v1/admin/issuers/${id}/enable`, adminToken)).status).toBe(200);
      expect((await get('/probe/protected', token)).status).toBe(200);

      await gateway.app.get(AuditService).flush();
      const audit = await gateway.app.get(DatabaseService).repository(AuditEventEntity).findBy({ resourceId: id });
      expect(audit.map((event) => event.action).sort()).toEqual([
        'issuer.created',
        'issuer.disabled',
        'issuer.enabled',
        'issuer.updated',
        'issuer.updated',
      ]);
    });

    it.each([
      ['HS256 in the algorithms', { algorithms: ['HS256'] }, '/algorithms/0'],
      ['alg none', { algorithms: ['none'] }, '/algorithms/0'],
      ['a clock skew over 60 s', { clockSkewSeconds: 120 }, '/clockSkewSeconds'],
      ['a plain-http issuer on a public host', { issuer: 'http://idp.example.com' }, '/issuer'],
      ['a JWKS URL with credentials', { jwksUri: 'https://u:p@idp.example.com/jwks' }, '/jwksUri'],
      ['an unknown field', { jku: 'https://x' }, '/jku'],
      ['no key source', { jwksUri: undefined }, '/jwksUri'],
      ['an organization that does not exist', { orgId: randomUUID() }, '/orgId'],
    ])('refuses %s with 400', async (_name, change, pointer) => {
      const response = await send('POST', '/v1/admin/issuers', adminToken, {
        issuer: `https://idp-${randomUUID()}.example.com`,
        jwksUri: 'https://idp.example.com/jwks',
        audience: 'infergate',
        algorithms: ['RS256'],
        ...change,
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: { pointer: string }[] };
      expect(body.errors.map((error) => error.pointer)).toContain(pointer);
    });

    it('answers 409 for an issuer already trusted and 404 for an unknown id', async () => {
      const duplicate = await send('POST', '/v1/admin/issuers', adminToken, {
        issuer: keycloak.issuer,
        jwksUri: keycloak.jwksUri,
        audience: 'x',
        algorithms: ['RS256'],
      });
      expect(duplicate.status).toBe(409);
      expect((await get(`/v1/admin/issuers/${randomUUID()}`, adminToken)).status).toBe(404);
    });

    it("shows an org admin only its own organization's issuers, and refuses tokens without the admin scope", async () => {
      const orgAdmin = await keycloak.sign(
        keycloak.claims('infergate', {
          sub: 'org-admin',
          azp: 'cli',
          scope: 'admin',
          realm_access: { roles: ['platform-admin', 'org-admin'] },
        }),
      );
      // The platform-admin claim is ignored: this issuer speaks for one organization only.
      const own = await get('/v1/admin/issuers', orgAdmin);
      expect(own.status).toBe(200);
      const items = (await own.json()) as { issuer: string; orgId: string | null }[];
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) expect(item.orgId).toBe(orgId);
      expect(items.map((item) => item.issuer)).not.toContain(corp.issuer);
      const noScope = await corp.sign(
        corp.claims('infergate', { sub: 'root@corp', azp: 'cli', roles: ['platform-admin'], scope: 'infer' }),
      );
      const response = await get('/v1/admin/issuers', noScope);
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toContain('insufficient_scope');
      expect((await get('/v1/admin/issuers')).status).toBe(401);
    });
  });
});
