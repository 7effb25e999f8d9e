import { CompactEncrypt, CryptoKey, exportSPKI, generateKeyPair, importJWK, JWK, JWTPayload, SignJWT } from 'jose';
import { validatePlain } from '@infergate/validation';
import { randomUUID } from 'node:crypto';
import { AuditEventEntity, AuditService } from '@infergate/audit';
import { DatabaseService } from '@infergate/database';
import { Principal } from '@infergate/contracts';
import { AuthFailureReason, OrganizationEntity, RevocationService, SecretBox } from '@infergate/identity';
import { SigningKeyEntity } from '../../libs/identity/src/oauth/signing-key.entity';
import { SigningKeysService } from '../../libs/identity/src/oauth/signing-keys.service';
import { CreateTrustedIssuerDto } from '../../libs/identity/src/tokens/trusted-issuer.dto';
import { TrustedIssuersService } from '../../libs/identity/src/tokens/trusted-issuers.service';
import { FakeIdp, TOKEN_SUITE_ENV } from '../support/fake-idp';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { ProbeModule } from '../support/probe.module';

const INVALID_TOKEN = 'Bearer realm="infergate", error="invalid_token"';
const INVALID_REQUEST = 'Bearer realm="infergate", error="invalid_request"';
const AUDIENCE = 'infergate';
const ADMIN_CLIENT_ID = 'e2e-bootstrap-admin';
const ADMIN_SECRET = 'e2e-bootstrap-secret-0123456789abcdefghij';
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

interface GatewayKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * The acceptance corpus of issue 3: forged and malformed credentials sent to a protected route of the
 * real gateway, each answered with the RFC 6750 401 (or 400 / 431 where the request itself is
 * wrong), never a 5xx, and never causing a fetch of anything the token names.
 */
describe('forged and malformed credentials', () => {
  let gateway: RunningGateway;
  let keycloak: FakeIdp;
  let okta: FakeIdp;
  let attacker: FakeIdp;
  let gatewayKey: GatewayKey;
  let orgId: string;
  let issuerUrl: string;

  beforeAll(async () => {
    gateway = await startGateway(
      { ...TOKEN_SUITE_ENV, BOOTSTRAP_ADMIN_CLIENT_ID: ADMIN_CLIENT_ID, BOOTSTRAP_ADMIN_CLIENT_SECRET: ADMIN_SECRET },
      [ProbeModule],
    );
    const { app } = gateway;
    issuerUrl = 'http://localhost:3000';
    keycloak = await FakeIdp.start({ issuerPath: '/realms/acme', algorithms: ['RS256'] });
    okta = await FakeIdp.start({ issuerPath: '/oauth2/default', algorithms: ['ES256'] });
    attacker = await FakeIdp.start({ algorithms: ['RS256', 'ES256'] });

    const database = app.get(DatabaseService);
    orgId = randomUUID();
    const at = new Date();
    await database.repository(OrganizationEntity).insert({
      id: orgId,
      name: `acme-${orgId.slice(0, 8)}`,
      displayName: null,
      status: 'active',
      allowedRegions: [],
      allowedCidrs: [],
      maxClearance: 'confidential',
      createdAt: at,
      updatedAt: at,
    });
    const issuers = app.get(TrustedIssuersService);
    await issuers.create(
      'system',
      validatePlain(CreateTrustedIssuerDto, {
        issuer: keycloak.issuer,
        orgId,
        jwksUri: keycloak.jwksUri,
        audience: AUDIENCE,
        algorithms: ['RS256'],
      }),
    );
    await issuers.create(
      'system',
      validatePlain(CreateTrustedIssuerDto, {
        issuer: okta.issuer,
        orgId,
        discovery: true,
        audience: 'api://default',
        algorithms: ['ES256'],
        claimMapping: { roles: 'groups' },
        clockSkewSeconds: 0,
      }),
    );

    // A key of our own in the gateway's published set: pending (never signs for the gateway), published.
    const signingKeys = app.get(SigningKeysService);
    const { kid } = await signingKeys.rotate({ activateAt: new Date(Date.now() + 86_400_000) });
    const row = await database.repository(SigningKeyEntity).findOneByOrFail({ kid });
    const privateJwk = JSON.parse(app.get(SecretBox).open(row.privateKey, `signing-key:${kid}`)) as JWK;
    gatewayKey = {
      kid,
      alg: row.algorithm,
      privateKey: (await importJWK(privateJwk, row.algorithm)) as CryptoKey,
      publicJwk: row.publicJwk,
    };
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([keycloak?.close(), okta?.close(), attacker?.close()]);
  });

  const ownClaims = (extra: JWTPayload = {}): JWTPayload => ({
    iss: issuerUrl,
    aud: AUDIENCE,
    sub: `app-${randomUUID()}`,
    client_id: 'client-1',
    iat: now(),
    exp: now() + 300,
    jti: randomUUID(),
    scope: 'infer',
    org_id: orgId,
    project_ids: [],
    roles: ['model-consumer'],
    clearance: 'internal',
    regions: [],
    cidrs: [],
    ...extra,
  });
  const signOwn = (payload: JWTPayload, header: Record<string, unknown> = {}, key: CryptoKey = gatewayKey.privateKey) =>
    new SignJWT(payload).setProtectedHeader({ alg: gatewayKey.alg, kid: gatewayKey.kid, typ: 'at+jwt', ...header }).sign(key);
  const keycloakClaims = (extra: JWTPayload = {}) =>
    keycloak.claims(AUDIENCE, {
      sub: randomUUID(),
      azp: 'web',
      typ: 'Bearer',
      scope: 'openid infer',
      realm_access: { roles: ['model-consumer'] },
      ...extra,
    });
  const oktaClaims = (extra: JWTPayload = {}) =>
    okta.claims('api://default', { sub: 'ada@example.com', cid: '0oa1', scp: ['infer'], groups: ['model-consumer'], ...extra });

  const call = (authorization: string | undefined, path = '/probe/protected') =>
    fetch(`${gateway.url}${path}`, { headers: authorization === undefined ? {} : { authorization } });
  const bearer = (token: string) => call(`Bearer ${token}`);

  /** The internal reason the guard recorded for this request (never sent to the client). */
  async function auditedReason(response: Response): Promise<string | null | undefined> {
    const requestId = response.headers.get('x-request-id') ?? '';
    await gateway.app.get(AuditService).flush();
    const events = gateway.app.get(DatabaseService).repository(AuditEventEntity);
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const event = await events.findOneBy({ requestId, action: 'authn.failure' });
      if (event) return event.reason;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return undefined;
  }

  async function expectInvalidToken(response: Response): Promise<void> {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(INVALID_TOKEN);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 401,
      type: 'urn:infergate:problem:invalid-token',
      detail: 'The credential presented is not valid.',
    });
  }

  it('accepts a well-formed own token (the control case)', async () => {
    const response = await bearer(await signOwn(ownClaims()));
    expect(response.status).toBe(200);
  });

  it('accepts a token the built-in authorization server issued, as the platform admin it names', async () => {
    const issued = await fetch(`${gateway.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ADMIN_CLIENT_ID}:${ADMIN_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=admin%20infer',
    });
    expect(issued.status).toBe(200);
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const principal = (await (await call(`Bearer ${token}`, '/probe/whoami')).json()) as Principal;
    expect(principal).toMatchObject({ kind: 'application', authMethod: 'access_token', issuer: issuerUrl, scopes: ['infer', 'admin'] });
    expect(principal.roles).toContainEqual({ role: 'platform-admin', orgId: null, projectId: null });
    expect((await call(`Bearer ${token}`, '/v1/admin/issuers')).status).toBe(200);
  });

  const forged: [string, AuthFailureReason, () => string | Promise<string>][] = [
    ['alg "none" with an empty signature', 'malformed', () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(ownClaims())}.`],
    ['alg "None" with an empty signature', 'malformed', () => `${b64({ alg: 'None', typ: 'at+jwt' })}.${b64(ownClaims())}.`],
    [
      'alg "NONE" carrying a valid signature of another token',
      'alg_not_allowed',
      async () => `${b64({ alg: 'NONE', typ: 'at+jwt' })}.${b64(ownClaims())}.${(await signOwn(ownClaims())).split('.')[2]}`,
    ],
    ['an empty signature on an otherwise valid token', 'malformed', async () => (await signOwn(ownClaims())).replace(/[^.]+$/, '')],
    [
      'HS256 keyed with the public key (PEM)',
      'alg_not_allowed',
      async () => hs('HS256', await exportSPKI((await importJWK(gatewayKey.publicJwk, gatewayKey.alg)) as CryptoKey)),
    ],
    ['HS256 keyed with the public key (JWK JSON)', 'alg_not_allowed', async () => hs('HS256', JSON.stringify(gatewayKey.publicJwk))],
    ['HS384 keyed with the public key', 'alg_not_allowed', async () => hs('HS384', JSON.stringify(gatewayKey.publicJwk))],
    ['HS512 keyed with the public key', 'alg_not_allowed', async () => hs('HS512', JSON.stringify(gatewayKey.publicJwk))],
    ['an algorithm outside the allowlist (ES384)', 'alg_not_allowed', async () => foreignAlg('ES384')],
    ['an algorithm outside the allowlist (PS256)', 'alg_not_allowed', async () => foreignAlg('PS256')],
    ['kid with path traversal', 'unknown_key', async () => signOwn(ownClaims(), { kid: '../../../../etc/passwd' })],
    ['kid with SQL', 'unknown_key', async () => signOwn(ownClaims(), { kid: "x' OR '1'='1'; DROP TABLE signing_keys; --" })],
    ['kid of 10 KB', 'malformed', async () => signOwn(ownClaims(), { kid: 'A'.repeat(10 * 1024) })],
    ['kid that is a number', 'unknown_key', async () => signOwn(ownClaims(), { kid: 12345 })],
    [
      'jku pointing at another server, signed by its key',
      'bad_signature',
      async () => attackerSigned({ jku: `${attacker.origin}/jwks.json` }),
    ],
    [
      'x5u pointing at another server, signed by its key',
      'bad_signature',
      async () => attackerSigned({ x5u: `${attacker.origin}/cert.pem` }),
    ],
    ['jwk embedding the signer’s own public key', 'bad_signature', async () => attackerSigned({ jwk: attacker.keys[0].publicJwk })],
    [
      'x5c carrying a certificate chain',
      'bad_signature',
      async () => attackerSigned({ x5c: [Buffer.from('not a cert').toString('base64')], x5u: `${attacker.origin}/x5c` }),
    ],
    ['expired beyond the clock skew', 'expired', async () => signOwn(ownClaims({ exp: now() - 120 }))],
    ['nbf in the future', 'not_yet_valid', async () => signOwn(ownClaims({ nbf: now() + 300 }))],
    ['iat in the future', 'not_yet_valid', async () => signOwn(ownClaims({ iat: now() + 300 }))],
    ['no exp', 'missing_claim', async () => signOwn(ownClaims({ exp: undefined }))],
    ['no jti', 'missing_claim', async () => signOwn(ownClaims({ jti: undefined }))],
    ['exp as a string', 'invalid_claim', async () => signOwn(ownClaims({ exp: String(now() + 300) as unknown as number }))],
    ['sub as a number', 'invalid_claim', async () => signOwn(ownClaims({ sub: 7 as unknown as string }))],
    ['roles as a string', 'invalid_claim', async () => signOwn(ownClaims({ roles: 'platform-admin' }))],
    ['org_id as an object', 'invalid_claim', async () => signOwn(ownClaims({ org_id: { $ne: null } }))],
    ['another audience', 'wrong_audience', async () => signOwn(ownClaims({ aud: 'another-api' }))],
    ['an audience list without ours', 'wrong_audience', async () => signOwn(ownClaims({ aud: ['a', 'b'] }))],
    ['an unknown issuer', 'unknown_issuer', async () => signOwn(ownClaims({ iss: 'https://evil.example.com' }))],
    ['an issuer that differs only by a trailing slash', 'unknown_issuer', async () => signOwn(ownClaims({ iss: `${issuerUrl}/` }))],
    ['typ JWT instead of at+jwt', 'wrong_type', async () => signOwn(ownClaims(), { typ: 'JWT' })],
    ['no typ', 'wrong_type', async () => signOwn(ownClaims(), { typ: undefined })],
    [
      'a certificate binding (cnf) without a client certificate',
      'certificate_mismatch',
      async () => signOwn(ownClaims({ cnf: { 'x5t#S256': 'bm90LWEtcmVhbC10aHVtYnByaW50' } })),
    ],
    [
      'a tampered payload under the original signature',
      'bad_signature',
      async () => tamper(await signOwn(ownClaims()), { scope: 'admin', roles: ['platform-admin'] }),
    ],
    [
      'a signature by another key under our kid',
      'bad_signature',
      async () => signOwn(ownClaims(), {}, (await generateKeyPair('ES256')).privateKey),
    ],
    ['a JWE (five segments)', 'malformed', async () => jwe(await signOwn(ownClaims()))],
    ['a nested token (cty JWT)', 'malformed', async () => signOwn(ownClaims(), { cty: 'JWT' })],
    ['a truncated JWT', 'unknown_issuer', async () => (await signOwn(ownClaims())).split('.').slice(0, 2).join('.')],
    ['garbage', 'malformed', () => 'not-a-token%%%'],
    ['a header that is not JSON', 'malformed', () => `${b64('{"alg":"ES256"')}.${b64(ownClaims())}.c2ln`],
    ['a payload that is not JSON', 'malformed', () => `${b64({ alg: 'ES256', typ: 'at+jwt', kid: gatewayKey.kid })}.${b64('hello')}.c2ln`],
    [
      "issuer A's RS256 token (Keycloak) presented as issuer B's (Okta, ES256 only)",
      'alg_not_allowed',
      async () => keycloak.sign(oktaClaims()),
    ],
    [
      "issuer A's token checked against issuer B's keys (same alg, B's kid)",
      'bad_signature',
      async () => attacker.sign(oktaClaims(), { alg: 'ES256', kid: okta.keys[0].kid }),
    ],
    [
      "issuer A's token checked against issuer B's keys (A's kid)",
      'unknown_key',
      async () => attacker.sign(oktaClaims(), { alg: 'ES256' }),
    ],
    ["issuer A's token presented with the gateway's issuer", 'unknown_key', async () => keycloak.sign(ownClaims())],
    [
      'an external token with an algorithm its issuer does not allow',
      'alg_not_allowed',
      async () => attacker.sign(keycloakClaims(), { alg: 'ES256', key: (await generateKeyPair('ES256')).privateKey }),
    ],
    ['an external token for another audience', 'wrong_audience', async () => keycloak.sign(keycloakClaims({ aud: 'account' }))],
    ['an external token expired (issuer skew 0)', 'expired', async () => okta.sign(oktaClaims({ exp: now() - 5 }))],
    ['an external token naming another organization', 'invalid_claim', async () => keycloak.sign(keycloakClaims({ org_id: randomUUID() }))],
    ['a Keycloak ID token (typ ID)', 'wrong_type', async () => keycloak.sign(keycloakClaims({ typ: 'ID' }))],
    ['an external token with no exp', 'missing_claim', async () => keycloak.sign(keycloakClaims({ exp: undefined }))],
    ['an opaque token no issuer knows', 'unknown_issuer', () => 'Zm9yZ2VkLW9wYXF1ZS10b2tlbg'],
  ];

  it('holds at least 40 forged credentials', () => {
    expect(forged.length + 5).toBeGreaterThanOrEqual(40);
  });

  it.each(forged)('refuses %s with 401 invalid_token (internally: %s)', async (_name, reason, make) => {
    const token = await make();
    const response = await bearer(token);
    await expectInvalidToken(response);
    expect(await auditedReason(response)).toBe(reason);
    expect(attacker.count()).toBe(0);
  });

  it('refuses a revoked jti', async () => {
    const payload = ownClaims();
    const token = await signOwn(payload);
    expect((await bearer(token)).status).toBe(200);
    await gateway.app.get(RevocationService).revokeToken(payload.jti as string, new Date((payload.exp as number) * 1000));
    await expectInvalidToken(await bearer(token));
  });

  it('refuses every token of a disabled client', async () => {
    const payload = ownClaims({ iat: now() - 2 });
    const token = await signOwn(payload);
    expect((await bearer(token)).status).toBe(200);
    await gateway.app.get(RevocationService).revokeAllTokensOf(payload.sub as string);
    await expectInvalidToken(await bearer(token));
  });

  it('answers a 16 KB Authorization header with 431 or 401, never a 5xx', async () => {
    const response = await call(`Bearer ${'A'.repeat(16 * 1024)}`);
    expect([401, 431]).toContain(response.status);
    if (response.status === 401) expect(response.headers.get('www-authenticate')).toBe(INVALID_TOKEN);
    const nearCap = await call(`Bearer ${'A'.repeat(8 * 1024 + 1)}`);
    await expectInvalidToken(nearCap);
  });

  it('refuses a token in the header and in the query with 400 invalid_request', async () => {
    const token = await signOwn(ownClaims());
    const response = await fetch(`${gateway.url}/probe/protected?access_token=${token}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toBe(INVALID_REQUEST);
  });

  it('refuses a token only in the query with 400 invalid_request', async () => {
    const response = await fetch(`${gateway.url}/probe/protected?access_token=${await signOwn(ownClaims())}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toBe(INVALID_REQUEST);
  });

  it('accepts a token expired within the clock skew', async () => {
    expect((await bearer(await signOwn(ownClaims({ exp: now() - 10 })))).status).toBe(200);
  });

  it('accepts Keycloak- and Okta-shaped tokens and maps them', async () => {
    const kc = (await (
      await call(`Bearer ${await keycloak.sign(keycloakClaims({ sub: 'kc-user' }))}`, '/probe/whoami')
    ).json()) as Principal;
    expect(kc).toMatchObject({ kind: 'user', orgId, scopes: ['infer'], authMethod: 'external_token', issuer: keycloak.issuer });
    expect(kc.roles).toEqual([{ role: 'model-consumer', orgId, projectId: null }]);
    const ok = await (await call(`Bearer ${await okta.sign(oktaClaims())}`, '/probe/whoami')).json();
    expect(ok).toMatchObject({
      kind: 'user',
      clientId: '0oa1',
      orgId,
      scopes: ['infer'],
      roles: [{ role: 'model-consumer', orgId, projectId: null }],
    });
  });

  it('never fetched anything a token named', () => {
    expect(attacker.requests).toEqual([]);
  });

  function hs(alg: 'HS256' | 'HS384' | 'HS512', secret: string): Promise<string> {
    return new SignJWT(ownClaims()).setProtectedHeader({ alg, kid: gatewayKey.kid, typ: 'at+jwt' }).sign(new TextEncoder().encode(secret));
  }

  async function foreignAlg(alg: 'ES384' | 'PS256'): Promise<string> {
    const { privateKey } = await generateKeyPair(alg);
    return new SignJWT(ownClaims()).setProtectedHeader({ alg, kid: gatewayKey.kid, typ: 'at+jwt' }).sign(privateKey);
  }

  async function attackerSigned(header: Record<string, unknown>): Promise<string> {
    const key = attacker.keys.find((candidate) => candidate.alg === 'ES256') as FakeIdp['keys'][number];
    return new SignJWT(ownClaims())
      .setProtectedHeader({ alg: 'ES256', kid: gatewayKey.kid, typ: 'at+jwt', ...header })
      .sign(key.privateKey);
  }

  function tamper(token: string, changes: JWTPayload): string {
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JWTPayload;
    return `${header}.${b64({ ...claims, ...changes })}.${signature}`;
  }

  async function jwe(inner: string): Promise<string> {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    return new CompactEncrypt(new TextEncoder().encode(inner))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' })
      .encrypt(publicKey);
  }
});
