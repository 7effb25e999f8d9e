import { createRemoteJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { DatabaseService } from '@infergate/database';
import { MasterKey, OrganizationEntity, SigningKeysService } from '@infergate/identity';
import { bindRole, createApplication, createOrganization } from '../../libs/identity/src/oauth/testing/oauth-fixtures';
import { RunningGateway, startGateway } from '../support/in-process-gateway';

const ISSUER = 'https://auth.e2e.test';
const AUDIENCE = 'infergate-e2e';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('built-in OAuth 2.0 authorization server (e2e)', () => {
  let gateway: RunningGateway;
  let database: DatabaseService;
  let masterKey: MasterKey;
  let org: OrganizationEntity;

  beforeAll(async () => {
    gateway = await startGateway({
      MASTER_KEY: randomBytes(32).toString('base64'),
      ISSUER_URL: ISSUER,
      TOKEN_AUDIENCE: AUDIENCE,
      ACCESS_TOKEN_TTL_SECONDS: '600',
      FAILED_AUTH_SLOW_AFTER: '1000',
      FAILED_AUTH_BLOCK_AFTER: '1001',
    });
    database = gateway.app.get(DatabaseService);
    masterKey = gateway.app.get(MasterKey);
    org = await createOrganization(database);
  });
  afterAll(() => gateway.close());

  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, { method: 'POST', headers, body: new URLSearchParams(form) });
  const jwks = () => createRemoteJWKSet(new URL(`${gateway.url}/.well-known/jwks.json`));
  const verify = async (token: string) => jwtVerify(token, jwks(), { typ: 'at+jwt', issuer: ISSUER, audience: AUDIENCE });

  async function basicClient(orgId = org.id, scopes: ('infer' | 'models:read' | 'admin')[] = ['infer', 'models:read']) {
    const { application, secret } = await createApplication(database, masterKey, orgId, { allowedScopes: scopes });
    const token = async (form: Record<string, string> = {}) => {
      const response = await post(
        '/oauth/token',
        { grant_type: 'client_credentials', ...form },
        { authorization: basic(application.clientId, secret) },
      );
      expect(response.status).toBe(200);
      return ((await response.json()) as { access_token: string }).access_token;
    };
    return { application, secret, token, authorization: basic(application.clientId, secret) };
  }

  it('publishes RFC 8414 metadata', async () => {
    const response = await fetch(`${gateway.url}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    const methods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth'];
    expect(await response.json()).toEqual({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/oauth/token`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      revocation_endpoint: `${ISSUER}/oauth/revoke`,
      introspection_endpoint: `${ISSUER}/oauth/introspect`,
      grant_types_supported: ['client_credentials'],
      response_types_supported: [],
      scopes_supported: ['infer', 'models:read', 'models:write', 'admin', 'audit:read', 'metrics:read', 'usage:read'],
      token_endpoint_auth_methods_supported: methods,
      token_endpoint_auth_signing_alg_values_supported: expect.arrayContaining(['ES256', 'RS256', 'EdDSA']),
      revocation_endpoint_auth_methods_supported: methods,
      revocation_endpoint_auth_signing_alg_values_supported: expect.arrayContaining(['ES256']),
      introspection_endpoint_auth_methods_supported: methods,
      introspection_endpoint_auth_signing_alg_values_supported: expect.arrayContaining(['ES256']),
      tls_client_certificate_bound_access_tokens: true,
    });
    const algorithms = ((await (await fetch(`${gateway.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, string[]>)
      .token_endpoint_auth_signing_alg_values_supported;
    expect(algorithms).not.toContain('none');
    expect(algorithms.some((alg) => alg.startsWith('HS'))).toBe(false);
  });

  it('publishes public signing keys only, cacheable briefly', async () => {
    const response = await fetch(`${gateway.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d{1,3}\b/);
    const text = await response.text();
    const { keys } = JSON.parse(text) as { keys: Record<string, unknown>[] };
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
    expect(text).not.toMatch(/"d"\s*:/);
  });

  it('issues a token to a client_secret_basic client that verifies against the served JWKS', async () => {
    const { application, authorization } = await basicClient();
    await bindRole(database, application.id, 'model-consumer', org.id);
    const response = await post('/oauth/token', { grant_type: 'client_credentials', scope: 'infer' }, { authorization });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 600, scope: 'infer' });

    const { payload, protectedHeader } = await verify(body.access_token as string);
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'at+jwt' });
    expect(payload).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: application.id,
      client_id: application.clientId,
      scope: 'infer',
      org_id: org.id,
      roles: ['model-consumer'],
      project_ids: [],
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(600);
    expect(payload).not.toHaveProperty('cnf');
  });

  it('issues a token to a client_secret_post client, with every allowed scope by default', async () => {
    const { application, secret } = await createApplication(database, masterKey, org.id, { authMethod: 'client_secret_post' });
    const response = await post('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: application.clientId,
      client_secret: secret,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe('infer models:read');
    expect((await verify(body.access_token)).payload.sub).toBe(application.id);
  });

  it('issues a token to a private_key_jwt client and refuses the same assertion twice', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const { application } = await createApplication(database, masterKey, org.id, {
      authMethod: 'private_key_jwt',
      secretHash: null,
      jwks: { keys: [jwk] },
    });
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(application.clientId)
      .setSubject(application.clientId)
      .setAudience(`${ISSUER}/oauth/token`)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(privateKey);
    const form = {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    };
    const first = await post('/oauth/token', form);
    expect(first.status).toBe(200);
    expect((await verify(((await first.json()) as { access_token: string }).access_token)).payload.client_id).toBe(application.clientId);

    const replay = await post('/oauth/token', form);
    expect(replay.status).toBe(401);
    expect(replay.headers.get('www-authenticate')).toBeNull();
    expect(await replay.json()).toMatchObject({ error: 'invalid_client', status: 401 });
  });

  it('answers a wrong secret and an unknown client with the same RFC 6749 §5.2 401', async () => {
    const { application, secret } = await basicClient();
    const bodies = [];
    for (const authorization of [basic(application.clientId, `${secret}x`), basic('app_nobody', secret)]) {
      const response = await post('/oauth/token', { grant_type: 'client_credentials' }, { authorization });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="infergate"');
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toEqual({
        type: 'urn:infergate:problem:invalid-client',
        title: 'Unauthorized',
        status: 401,
        detail: 'Client authentication failed.',
        instance: '/oauth/token',
        requestId: response.headers.get('x-request-id'),
        error: 'invalid_client',
        error_description: 'Client authentication failed.',
      });
      bodies.push({ ...body, requestId: undefined });
    }
    expect(bodies[0]).toEqual(bodies[1]);
  });

  it('refuses other grants, scopes the client may not have, and malformed requests with 400', async () => {
    const { authorization } = await basicClient();
    const cases: [Record<string, string>, Record<string, string>, string][] = [
      [{ grant_type: 'password', username: 'a', password: 'b' }, {}, 'unsupported_grant_type'],
      [{ grant_type: 'authorization_code', code: 'x' }, {}, 'unsupported_grant_type'],
      [{}, {}, 'invalid_request'],
      [{ grant_type: 'client_credentials', scope: 'infer admin' }, {}, 'invalid_scope'],
    ];
    for (const [form, headers, error] of cases) {
      const response = await post('/oauth/token', form, { authorization, ...headers });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toMatchObject({ error, error_description: expect.any(String), status: 400 });
    }

    const json = await fetch(`${gateway.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });

    const repeated = await fetch(`${gateway.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=infer&scope=admin',
    });
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toMatchObject({ error: 'invalid_request' });

    const inUrl = await post('/oauth/token?client_secret=leaked', { grant_type: 'client_credentials' }, { authorization });
    expect(inUrl.status).toBe(400);
    expect(JSON.stringify(await inUrl.json())).not.toContain('leaked');
  });

  it('introspects an active token, then answers exactly {"active": false} once it is revoked', async () => {
    const client = await basicClient();
    const token = await client.token({ scope: 'infer' });
    const active = await post('/oauth/introspect', { token }, { authorization: client.authorization });
    expect(active.status).toBe(200);
    expect(active.headers.get('cache-control')).toBe('no-store');
    const claims = (await verify(token)).payload;
    expect(await active.json()).toEqual({
      active: true,
      scope: 'infer',
      client_id: client.application.clientId,
      sub: client.application.id,
      exp: claims.exp,
      iat: claims.iat,
      iss: ISSUER,
      aud: AUDIENCE,
      jti: claims.jti,
      token_type: 'Bearer',
      org_id: org.id,
    });

    const revoked = await post('/oauth/revoke', { token, token_type_hint: 'access_token' }, { authorization: client.authorization });
    expect(revoked.status).toBe(200);
    const after = await post('/oauth/introspect', { token }, { authorization: client.authorization });
    expect(await after.text()).toBe('{"active":false}');
  });

  it('answers revocation of an unknown or malformed token with 200', async () => {
    const { authorization } = await basicClient();
    for (const token of ['garbage', 'a.b.c', randomBytes(40).toString('base64url')]) {
      expect((await post('/oauth/revoke', { token }, { authorization })).status).toBe(200);
    }
    const missing = await post('/oauth/revoke', {}, { authorization });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('requires client authentication to introspect or revoke', async () => {
    const { token } = await basicClient();
    const issued = await token();
    for (const path of ['/oauth/introspect', '/oauth/revoke']) {
      const response = await post(path, { token: issued });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_client' });
      const wrong = await post(path, { token: issued }, { authorization: basic('app_nobody', 'x') });
      expect(wrong.status).toBe(401);
    }
  });

  it('answers {"active": false} for malformed, forged and expired tokens', async () => {
    const { authorization } = await basicClient();
    const { privateKey } = await generateKeyPair('ES256');
    const [ours] = ((await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys;
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ client_id: 'x', scope: 'admin', org_id: org.id, jti: 'j' })
      .setProtectedHeader({ alg: 'ES256', kid: ours.kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('x')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(privateKey);
    const signer = await gateway.app.get(SigningKeysService).signingKey();
    const expired = await new SignJWT({
      client_id: 'x',
      scope: '',
      org_id: org.id,
      jti: 'j2',
      project_ids: [],
      roles: [],
      clearance: 'public',
      regions: [],
      cidrs: [],
    })
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('x')
      .setIssuedAt(now - 3600)
      .setExpirationTime(now - 120)
      .sign(signer.key);
    for (const token of ['garbage', forged, `${forged.split('.').slice(0, 2).join('.')}.`, expired]) {
      const response = await post('/oauth/introspect', { token }, { authorization });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('{"active":false}');
    }
  });

  it("shows a client only its own organization's tokens, unless it is platform-admin", async () => {
    const owner = await basicClient();
    const token = await owner.token();
    const otherOrg = await createOrganization(database);
    const stranger = await basicClient(otherOrg.id);
    const admin = await basicClient(otherOrg.id);
    await bindRole(database, admin.application.id, 'platform-admin', null);

    const seenByStranger = await post('/oauth/introspect', { token }, { authorization: stranger.authorization });
    expect(await seenByStranger.text()).toBe('{"active":false}');
    const seenByAdmin = await post('/oauth/introspect', { token }, { authorization: admin.authorization });
    expect(await seenByAdmin.json()).toMatchObject({ active: true, client_id: owner.application.clientId });

    // Another client's revocation request is answered alike but changes nothing.
    expect((await post('/oauth/revoke', { token }, { authorization: stranger.authorization })).status).toBe(200);
    expect(await (await post('/oauth/introspect', { token }, { authorization: owner.authorization })).json()).toMatchObject({
      active: true,
    });
    // A platform admin may revoke it.
    expect((await post('/oauth/revoke', { token }, { authorization: admin.authorization })).status).toBe(200);
    expect(await (await post('/oauth/introspect', { token }, { authorization: owner.authorization })).text()).toBe('{"active":false}');
  });

  it('keeps tokens signed by the old key verifiable after a rotation, while new tokens use the new key', async () => {
    const client = await basicClient();
    const before = await client.token();
    const oldKid = decodeProtectedHeader(before).kid;

    const rotated = await gateway.app.get(SigningKeysService).rotate({ activateAt: new Date() });
    expect(rotated.kid).not.toBe(oldKid);
    const after = await client.token();
    expect(decodeProtectedHeader(after).kid).toBe(rotated.kid);

    const served = ((await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map(
      (k) => k.kid,
    );
    expect(served).toEqual(expect.arrayContaining([oldKid, rotated.kid]));
    await expect(verify(before)).resolves.toBeDefined();
    await expect(verify(after)).resolves.toBeDefined();
    const introspected = await post('/oauth/introspect', { token: before }, { authorization: client.authorization });
    expect(await introspected.json()).toMatchObject({ active: true });
  });
});
