import { CompactEncrypt, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { validateOptions } from '@infergate/common';
import { IdentityModuleOptions } from '../identity.options';
import type { DatabaseService } from '@infergate/database';
import { InvalidTokenException } from '../authentication/authentication.errors';
import type { CredentialContext } from '../authentication/credential-verifiers';
import type { LocalKeySet } from '../oauth/local-key-set';
import type { SecretBox } from '../crypto/secret-box';
import { MemoryRevocationStore } from '../revocation/memory-revocation.store';
import type { RevocationService } from '../revocation/revocation.service';
import { AccessTokenVerifierService } from './access-token-verifier.service';
import { ExternalPrincipalFactory } from './external-principal.factory';
import { ExternalTokenVerifier } from './external-token.verifier';
import { LocalTokenVerifier } from './local-token.verifier';
import { TokenIntrospector } from './token-introspector';
import { TrustedIssuerRegistry } from './trusted-issuer.registry';

const ISSUER = 'https://gateway.example';
const AUDIENCE = 'infergate';
const config = validateOptions(IdentityModuleOptions, { issuer: ISSUER, audience: AUDIENCE, clockSkewSeconds: 30 }, 'identity');
const context: CredentialContext = { clientIp: '127.0.0.1' };

/** A real LocalKeySet: the public halves of keys generated here, counting how often it is read. */
class TestKeySet implements LocalKeySet {
  readonly keys: JWK[] = [];
  reads = 0;
  publicJwks(): Promise<{ keys: JWK[] }> {
    this.reads += 1;
    return Promise.resolve({ keys: [...this.keys] });
  }
}

async function newKey(alg: 'ES256' | 'RS256' | 'EdDSA' | 'ES384', kid = randomUUID()) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, publicKey, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } as JWK };
}

function emptyDatabase(): DatabaseService {
  const repository = { find: () => Promise.resolve([]), findOne: () => Promise.resolve(null) };
  return { repository: () => repository } as unknown as DatabaseService;
}

describe(AccessTokenVerifierService.name, () => {
  let keySet: TestKeySet;
  let signer: Awaited<ReturnType<typeof newKey>>;
  let store: MemoryRevocationStore;
  let sut: AccessTokenVerifierService;

  const claims = (extra: JWTPayload = {}): JWTPayload => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'app-1',
      client_id: 'client-1',
      iat: now,
      exp: now + 600,
      jti: randomUUID(),
      scope: 'infer models:read unknown:scope',
      org_id: 'org-1',
      project_ids: ['p-1'],
      roles: ['model-consumer', 'org-admin@p-1', 'no-such-role'],
      clearance: 'internal',
      regions: ['eu'],
      cidrs: [],
      ...extra,
    };
  };
  const sign = (payload: JWTPayload, header: Record<string, unknown> = {}, key = signer) =>
    new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header }).sign(key.privateKey);
  const reasonOf = async (token: string, ctx = context) => {
    try {
      await sut.verify(token, ctx);
      return 'accepted';
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidTokenException);
      return (error as InvalidTokenException).reason;
    }
  };

  beforeEach(async () => {
    keySet = new TestKeySet();
    signer = await newKey('ES256');
    keySet.keys.push(signer.jwk);
    store = new MemoryRevocationStore();
    const database = emptyDatabase();
    const registry = new TrustedIssuerRegistry(database, {} as SecretBox);
    const principals = new ExternalPrincipalFactory(database);
    sut = new AccessTokenVerifierService(
      new LocalTokenVerifier(config, keySet),
      new ExternalTokenVerifier(principals),
      new TokenIntrospector(registry, principals),
      registry,
      { isRevoked: (query) => store.isRevoked(query) } as RevocationService,
    );
  });

  it("accepts the gateway's own token and describes it as its principal", async () => {
    const payload = claims();
    const principal = await sut.verify(await sign(payload), context);
    expect(principal).toEqual({
      kind: 'application',
      subject: 'app-1',
      clientId: 'client-1',
      orgId: 'org-1',
      projectIds: ['p-1'],
      roles: [
        { role: 'model-consumer', orgId: 'org-1', projectId: null },
        { role: 'org-admin', orgId: 'org-1', projectId: 'p-1' },
      ],
      scopes: ['infer', 'models:read'],
      clearance: 'internal',
      allowedRegions: ['eu'],
      allowedCidrs: [],
      authMethod: 'access_token',
      issuer: ISSUER,
      tokenId: payload.jti,
      certificateThumbprint: undefined,
      expiresAt: payload.exp,
    });
  });

  it.each(['RS256', 'EdDSA'] as const)('accepts own tokens signed with %s keys', async (alg) => {
    const key = await newKey(alg);
    keySet.keys.push(key.jwk);
    expect(await reasonOf(await sign(claims(), {}, key))).toBe('accepted');
  });

  it('serves a repeated token from cache, reading the key set once', async () => {
    const token = await sign(claims());
    for (let i = 0; i < 10; i += 1) await sut.verify(token, context);
    expect(keySet.reads).toBe(1);
    expect(sut.cache.size).toBe(1);
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each<[string, () => JWTPayload, Record<string, unknown>, string]>([
    ['typ JWT', () => claims(), { typ: 'JWT' }, 'wrong_type'],
    ['no typ', () => claims(), { typ: undefined }, 'wrong_type'],
    ['expired beyond skew', () => claims({ exp: now() - 31 }), {}, 'expired'],
    ['nbf in the future', () => claims({ nbf: now() + 120 }), {}, 'not_yet_valid'],
    ['iat in the future', () => claims({ iat: now() + 120 }), {}, 'not_yet_valid'],
    ['no exp', () => claims({ exp: undefined }), {}, 'missing_claim'],
    ['no jti', () => claims({ jti: undefined }), {}, 'missing_claim'],
    ['no client_id', () => claims({ client_id: undefined }), {}, 'missing_claim'],
    ['no org_id', () => claims({ org_id: undefined }), {}, 'missing_claim'],
    ['exp as a string', () => claims({ exp: String(now() + 600) as unknown as number }), {}, 'invalid_claim'],
    ['sub as a number', () => claims({ sub: 42 as unknown as string }), {}, 'invalid_claim'],
    ['roles as a string', () => claims({ roles: 'platform-admin' }), {}, 'invalid_claim'],
    ['cnf as a string', () => claims({ cnf: 'x' }), {}, 'invalid_claim'],
    ['another audience', () => claims({ aud: 'someone-else' }), {}, 'wrong_audience'],
    ['an unknown issuer', () => claims({ iss: 'https://evil.example' }), {}, 'unknown_issuer'],
    ['no issuer', () => claims({ iss: undefined }), {}, 'missing_claim'],
    ['an unknown kid', () => claims(), { kid: '../../../etc/passwd' }, 'unknown_key'],
    ['a SQL kid', () => claims(), { kid: "' OR 1=1 --" }, 'unknown_key'],
    ['a nested token', () => claims(), { cty: 'JWT' }, 'malformed'],
  ])('refuses an own token with %s', async (_name, payload, header, reason) => {
    expect(await reasonOf(await sign(payload(), header))).toBe(reason);
  });

  it('accepts a token expired within the clock skew', async () => {
    expect(await reasonOf(await sign(claims({ exp: now() - 10 })))).toBe('accepted');
  });

  it('refuses alg none, empty and transplanted signatures, and HS256 keyed with the public key', async () => {
    const valid = await sign(claims());
    const [header, payload, signature] = valid.split('.');
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(await reasonOf(`${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`)).toBe('malformed');
    expect(await reasonOf(`${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.${signature}`)).toBe('alg_not_allowed');
    expect(await reasonOf(`${header}.${payload}.`)).toBe('malformed');
    const tampered = b64({ ...claims(), scope: 'admin' });
    expect(await reasonOf(`${header}.${tampered}.${signature}`)).toBe('bad_signature');

    const pem = await exportSPKI(signer.publicKey);
    for (const secret of [pem, JSON.stringify(signer.jwk)]) {
      const hs = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', kid: signer.kid, typ: 'at+jwt' })
        .sign(new TextEncoder().encode(secret));
      expect(await reasonOf(hs)).toBe('alg_not_allowed');
    }
  });

  it('refuses an algorithm outside the allowlist even when a key of that kind is published', async () => {
    const es384 = await newKey('ES384');
    keySet.keys.push(es384.jwk);
    expect(await reasonOf(await sign(claims(), {}, es384))).toBe('alg_not_allowed');
  });

  it('verifies against the configured keys only, whatever jwk/jku/x5u/x5c the header names', async () => {
    const attacker = await newKey('ES256', signer.kid);
    const token = await sign(
      claims(),
      { jwk: attacker.jwk, jku: 'http://127.0.0.1:1/jwks', x5u: 'http://127.0.0.1:1/cert', x5c: ['MIIB'] },
      attacker,
    );
    expect(await reasonOf(token)).toBe('bad_signature');
  });

  it('refuses JWE', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    const jwe = await new CompactEncrypt(new TextEncoder().encode(await sign(claims())))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' })
      .encrypt(publicKey);
    expect(await reasonOf(jwe)).toBe('malformed');
  });

  it('refreshes the key set on an unknown kid at most once per cooldown', async () => {
    await sut.verify(await sign(claims()), context);
    const stranger = await newKey('ES256');
    for (let i = 0; i < 50; i += 1) await reasonOf(await sign(claims(), { kid: `random-${i}` }, stranger));
    expect(keySet.reads).toBeLessThanOrEqual(2);
  });

  it('checks revocation on every request, cached or not', async () => {
    const payload = claims();
    const token = await sign(payload);
    await sut.verify(token, context);
    await store.revokeToken(payload.jti as string, new Date(Date.now() + 60_000));
    expect(await reasonOf(token)).toBe('revoked');
  });

  it("refuses every token of a subject issued before it was revoked (a disabled client's)", async () => {
    const token = await sign(claims({ iat: now() - 5 }));
    await sut.verify(token, context);
    await store.revokeSubject('app-1', new Date(), 600);
    expect(await reasonOf(token)).toBe('revoked');
    expect(await reasonOf(await sign(claims({ iat: now() + 1, jti: randomUUID() })))).toBe('accepted');
  });

  it('holds a certificate-bound token to its certificate, also when served from cache', async () => {
    const token = await sign(claims({ cnf: { 'x5t#S256': 'thumb-1' } }));
    const withCert = (thumbprint: string): CredentialContext => ({
      clientIp: '127.0.0.1',
      certificate: { thumbprint, subject: 'CN=x', subjectAltNames: [], source: 'tls' },
    });
    expect(await reasonOf(token, withCert('thumb-1'))).toBe('accepted');
    expect(await reasonOf(token, withCert('thumb-2'))).toBe('certificate_mismatch');
    expect(await reasonOf(token, context)).toBe('certificate_mismatch');
  });

  it('refuses a token longer than the credential cap before parsing it', async () => {
    expect(await reasonOf(await sign(claims(), { kid: 'k'.repeat(10_000) }))).toBe('malformed');
  });

  it('refuses an opaque token when no issuer can introspect it', async () => {
    expect(await reasonOf('2YotnFZFEjr1zCsicMWpAA')).toBe('unknown_issuer');
  });
});
