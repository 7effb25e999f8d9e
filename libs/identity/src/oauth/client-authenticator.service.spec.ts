import { exportJWK, generateKeyPair, JWK, SignJWT, CryptoKey } from 'jose';
import { randomUUID } from 'node:crypto';
import { AuthenticationThrottledException } from '../authentication/authentication.errors';
import type { ClientCertificate } from '../mtls/client-certificate';
import { ApplicationEntity } from '../tenancy/application.entity';
import { OrganizationEntity } from '../tenancy/organization.entity';
import { ClientAuthenticationRequest, ClientAuthenticatorService, JWT_BEARER_ASSERTION_TYPE } from './client-authenticator.service';
import { InvalidClientException, OAuthErrorException } from './oauth.errors';
import { createApplication, createOrganization } from './testing/oauth-fixtures';
import { createOAuthHarness, OAuthHarness } from './testing/oauth-test-harness';

const TOKEN_ENDPOINT = 'https://auth.test/oauth/token';

/** RFC 6749 §2.3.1: form-urlencode the id and the secret, then base64 "id:secret". */
const basic = (id: string, secret: string) => {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
};

describe(ClientAuthenticatorService.name, () => {
  let harness: OAuthHarness;
  let sut: ClientAuthenticatorService;
  let org: OrganizationEntity;
  let ip = 0;

  beforeEach(async () => {
    harness = await createOAuthHarness({
      issuer: 'https://auth.test',
      failedAuthSlowAfter: 1000,
      failedAuthBlockAfter: 1001,
    });
    sut = harness.app.get(ClientAuthenticatorService);
    org = await createOrganization(harness.database);
  });
  afterEach(() => harness.close());

  const request = (init: Partial<ClientAuthenticationRequest>): ClientAuthenticationRequest => ({
    params: {},
    clientIp: `192.0.2.${(ip += 1) % 250}`,
    ...init,
  });
  const app = (overrides: Partial<ApplicationEntity> = {}) => createApplication(harness.database, harness.masterKey, org.id, overrides);

  /** Asserts the one answer every failed client authentication gets. */
  const expectInvalidClient = async (attempt: Promise<unknown>, reason: string, basicChallenge = false) => {
    const error = (await attempt.then(
      () => undefined,
      (e: unknown) => e,
    )) as InvalidClientException;
    expect(error).toBeInstanceOf(InvalidClientException);
    expect(error.reason).toBe(reason);
    expect(error.status).toBe(401);
    expect(error.extensions).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    expect(error.contentType).toBe('application/json');
    expect(error.headers['WWW-Authenticate']).toBe(basicChallenge ? 'Basic realm="infergate"' : undefined);
  };

  describe('client_secret_basic', () => {
    it('accepts the right secret', async () => {
      const { application, secret } = await app();
      const client = await sut.authenticate(request({ authorization: basic(application.clientId, secret) }));
      expect(client).toMatchObject({ method: 'client_secret_basic', application: { id: application.id }, organization: { id: org.id } });
    });

    it('form-decodes the id and secret (RFC 6749 §2.3.1)', async () => {
      const secret = 'p@ss:w+rd/ü é%';
      const { application } = await app({ secretHash: harness.masterKey.hash('client-secret', secret) });
      await expect(sut.authenticate(request({ authorization: basic(application.clientId, secret) }))).resolves.toBeDefined();
      const raw = `Basic ${Buffer.from(`${application.clientId}:${secret}`).toString('base64')}`;
      await expectInvalidClient(sut.authenticate(request({ authorization: raw })), 'malformed_basic', true);
    });

    it('answers a wrong secret, an unknown client and a disabled client alike, with a Basic challenge', async () => {
      const { application, secret } = await app();
      await expectInvalidClient(
        sut.authenticate(request({ authorization: basic(application.clientId, `${secret}x`) })),
        'bad_secret',
        true,
      );
      await expectInvalidClient(sut.authenticate(request({ authorization: basic('app_nobody', secret) })), 'unknown_client', true);
      await harness.database.repository(ApplicationEntity).update({ id: application.id }, { status: 'disabled', disabledAt: new Date() });
      await expectInvalidClient(sut.authenticate(request({ authorization: basic(application.clientId, secret) })), 'client_disabled', true);
    });

    it.each(['Basic', 'Basic !!!', 'Bearer abc', `Basic ${Buffer.from('no-colon').toString('base64')}`])(
      'refuses a malformed Authorization header: %s',
      async (authorization) => {
        await expectInvalidClient(sut.authenticate(request({ authorization })), 'malformed_basic', true);
      },
    );

    it('accepts the previous secret only within the rotation overlap', async () => {
      const old = 'old-secret-value';
      const { application, secret } = await app({
        previousSecretHash: harness.masterKey.hash('client-secret', old),
        previousSecretExpiresAt: new Date(Date.now() + 60_000),
      });
      await expect(sut.authenticate(request({ authorization: basic(application.clientId, old) }))).resolves.toBeDefined();
      await expect(sut.authenticate(request({ authorization: basic(application.clientId, secret) }))).resolves.toBeDefined();
      await harness.database
        .repository(ApplicationEntity)
        .update({ id: application.id }, { previousSecretExpiresAt: new Date(Date.now() - 1) });
      await expectInvalidClient(sut.authenticate(request({ authorization: basic(application.clientId, old) })), 'bad_secret', true);
    });
  });

  describe('client_secret_post', () => {
    it('accepts the right secret in the body, without a challenge on failure', async () => {
      const { application, secret } = await app({ authMethod: 'client_secret_post' });
      const client = await sut.authenticate(request({ params: { client_id: application.clientId, client_secret: secret } }));
      expect(client.method).toBe('client_secret_post');
      await expectInvalidClient(
        sut.authenticate(request({ params: { client_id: application.clientId, client_secret: 'wrong' } })),
        'bad_secret',
      );
      await expectInvalidClient(sut.authenticate(request({ params: { client_secret: secret } })), 'unknown_client');
    });

    it('refuses the right secret sent by a method the client is not registered for', async () => {
      const { application, secret } = await app({ authMethod: 'client_secret_basic' });
      await expectInvalidClient(
        sut.authenticate(request({ params: { client_id: application.clientId, client_secret: secret } })),
        'wrong_method',
      );
    });

    it('refuses a client of a disabled organization', async () => {
      const { application, secret } = await app({ authMethod: 'client_secret_post' });
      await harness.database.repository(OrganizationEntity).update({ id: org.id }, { status: 'disabled' });
      await expectInvalidClient(
        sut.authenticate(request({ params: { client_id: application.clientId, client_secret: secret } })),
        'organization_disabled',
      );
    });
  });

  describe('one method per request', () => {
    it('refuses two methods at once with invalid_request', async () => {
      const { application, secret } = await app();
      const attempt = sut.authenticate(
        request({ authorization: basic(application.clientId, secret), params: { client_id: application.clientId, client_secret: secret } }),
      );
      await expect(attempt).rejects.toMatchObject({ error: 'invalid_request', status: 400 });
    });

    it('refuses a body client_id that contradicts the Basic header', async () => {
      const { application, secret } = await app();
      const attempt = sut.authenticate(request({ authorization: basic(application.clientId, secret), params: { client_id: 'app_other' } }));
      await expect(attempt).rejects.toBeInstanceOf(OAuthErrorException);
      await expect(attempt).rejects.toMatchObject({ error: 'invalid_request' });
    });

    it('refuses a request with no credentials', async () => {
      const { application } = await app();
      await expectInvalidClient(sut.authenticate(request({ params: { client_id: application.clientId } })), 'no_credentials');
    });
  });

  describe('private_key_jwt', () => {
    let application: ApplicationEntity;
    let privateKey: CryptoKey;
    let publicJwk: JWK;

    beforeEach(async () => {
      const pair = await generateKeyPair('ES256');
      privateKey = pair.privateKey;
      publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'client-key-1', alg: 'ES256', use: 'sig' };
      ({ application } = await app({ authMethod: 'private_key_jwt', secretHash: null, jwks: { keys: [{ ...publicJwk }] } }));
    });

    const assertion = (
      claims: { iss?: string; sub?: string; aud?: string | string[]; exp?: number | string; jti?: string | null } = {},
      key: CryptoKey = privateKey,
      kid = 'client-key-1',
    ) => {
      const jwt = new SignJWT(claims.jti === null ? {} : { jti: claims.jti ?? randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer(claims.iss ?? application.clientId)
        .setSubject(claims.sub ?? application.clientId)
        .setAudience(claims.aud ?? TOKEN_ENDPOINT)
        .setIssuedAt();
      if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
      else jwt.setExpirationTime('2m');
      return jwt.sign(key);
    };
    const present = (jwt: string, extra: Record<string, string> = {}) =>
      sut.authenticate(request({ params: { client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: jwt, ...extra } }));

    it('accepts an assertion for the token endpoint or the issuer, each jti once', async () => {
      expect((await present(await assertion())).method).toBe('private_key_jwt');
      expect((await present(await assertion({ aud: 'https://auth.test' }))).method).toBe('private_key_jwt');
      expect((await present(await assertion(), { client_id: application.clientId })).application.id).toBe(application.id);
    });

    it('refuses a replayed jti', async () => {
      const jwt = await assertion({ jti: 'once-only' });
      await present(jwt);
      await expectInvalidClient(present(jwt), 'assertion_replayed');
      // A new assertion that reuses the jti is a replay too.
      await expectInvalidClient(present(await assertion({ jti: 'once-only' })), 'assertion_replayed');
    });

    it('refuses an assertion without a jti or without exp', async () => {
      await expectInvalidClient(present(await assertion({ jti: null })), 'bad_assertion');
      const noExp = await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: 'client-key-1' })
        .setIssuer(application.clientId)
        .setSubject(application.clientId)
        .setAudience(TOKEN_ENDPOINT)
        .sign(privateKey);
      await expectInvalidClient(present(noExp), 'bad_assertion');
    });

    it('refuses an assertion for another audience, or for several', async () => {
      await expectInvalidClient(present(await assertion({ aud: 'https://other.example/token' })), 'bad_assertion');
      await expectInvalidClient(present(await assertion({ aud: [TOKEN_ENDPOINT, 'https://other.example'] })), 'bad_assertion');
    });

    it('refuses an expired assertion and one valid for too long', async () => {
      await expectInvalidClient(present(await assertion({ exp: Math.floor(Date.now() / 1000) - 120 })), 'bad_assertion');
      await expectInvalidClient(present(await assertion({ exp: '1h' })), 'bad_assertion');
    });

    it("refuses an assertion signed by a key that is not in the client's JWKS", async () => {
      const stranger = (await generateKeyPair('ES256')).privateKey;
      await expectInvalidClient(present(await assertion({}, stranger)), 'bad_assertion');
      await expectInvalidClient(present(await assertion({}, stranger, 'stranger-key'), {}), 'bad_assertion');
    });

    it('refuses an assertion whose issuer is not the client, or that names another client', async () => {
      await expectInvalidClient(present(await assertion({ iss: 'app_someone_else' })), 'bad_assertion');
      await expectInvalidClient(present(await assertion(), { client_id: 'app_someone_else' }), 'bad_assertion');
    });

    it('refuses unsigned and HMAC assertions', async () => {
      const payload = {
        iss: application.clientId,
        sub: application.clientId,
        aud: TOKEN_ENDPOINT,
        jti: randomUUID(),
        exp: Math.floor(Date.now() / 1000) + 60,
      };
      const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      await expectInvalidClient(present(`${b64({ alg: 'none' })}.${b64(payload)}.`), 'bad_assertion');
      const hmac = await new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', kid: 'client-key-1' })
        .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
      await expectInvalidClient(present(hmac), 'bad_assertion');
      await expectInvalidClient(present('not-a-jwt'), 'bad_assertion');
    });

    it('refuses a wrong assertion type and an assertion from a client registered for another method', async () => {
      await expectInvalidClient(
        sut.authenticate(request({ params: { client_assertion_type: 'urn:example:other', client_assertion: await assertion() } })),
        'bad_assertion',
      );
      await harness.database.repository(ApplicationEntity).update({ id: application.id }, { authMethod: 'client_secret_basic' });
      await expectInvalidClient(present(await assertion()), 'wrong_method');
    });
  });

  describe('tls_client_auth', () => {
    const certificate = (overrides: Partial<ClientCertificate> = {}): ClientCertificate => ({
      thumbprint: 'A'.repeat(43),
      subject: 'CN=scorer',
      subjectAltNames: ['DNS:scorer.example.com'],
      source: 'tls',
      ...overrides,
    });

    it('accepts the registered certificate by thumbprint, and by subject alternative name', async () => {
      const { application: byThumbprint } = await app({
        authMethod: 'tls_client_auth',
        secretHash: null,
        tlsCertThumbprint: 'A'.repeat(43),
      });
      const client = await sut.authenticate(request({ params: { client_id: byThumbprint.clientId }, certificate: certificate() }));
      expect(client.method).toBe('tls_client_auth');

      const { application: bySan } = await app({
        authMethod: 'tls_client_auth',
        secretHash: null,
        tlsSubjectSan: 'DNS:scorer.example.com',
      });
      await expect(
        sut.authenticate(request({ params: { client_id: bySan.clientId }, certificate: certificate({ thumbprint: 'B'.repeat(43) }) })),
      ).resolves.toBeDefined();
    });

    it('refuses another certificate, or none', async () => {
      const { application } = await app({ authMethod: 'tls_client_auth', secretHash: null, tlsCertThumbprint: 'A'.repeat(43) });
      await expectInvalidClient(
        sut.authenticate(
          request({ params: { client_id: application.clientId }, certificate: certificate({ thumbprint: 'B'.repeat(43) }) }),
        ),
        'certificate_mismatch',
      );
      await expectInvalidClient(sut.authenticate(request({ params: { client_id: application.clientId } })), 'no_credentials');
    });

    it('refuses a certificate for a client registered for secrets', async () => {
      const { application } = await app({ tlsCertThumbprint: 'A'.repeat(43) });
      await expectInvalidClient(
        sut.authenticate(request({ params: { client_id: application.clientId }, certificate: certificate() })),
        'wrong_method',
      );
    });
  });

  it('refuses a client outside its allowed source ranges', async () => {
    const { application, secret } = await app({ allowedCidrs: ['10.1.0.0/16'] });
    const authorization = basic(application.clientId, secret);
    await expect(sut.authenticate({ authorization, params: {}, clientIp: '10.1.2.3' })).resolves.toBeDefined();
    await expectInvalidClient(sut.authenticate({ authorization, params: {}, clientIp: '10.2.2.3' }), 'source_not_allowed', true);
  });

  describe('with a low failure limit', () => {
    beforeEach(async () => {
      await harness.close();
      harness = await createOAuthHarness({ failedAuthSlowAfter: 100, failedAuthBlockAfter: 3 });
      sut = harness.app.get(ClientAuthenticatorService);
      org = await createOrganization(harness.database);
    });

    it('refuses a source that keeps failing, even with the right secret', async () => {
      const { application, secret } = await app();
      const attempt = (value: string) =>
        sut.authenticate({ authorization: basic(application.clientId, value), params: {}, clientIp: '198.51.100.7' });
      for (let i = 0; i < 3; i += 1) await expectInvalidClient(attempt('guess'), 'bad_secret', true);
      await expect(attempt(secret)).rejects.toBeInstanceOf(AuthenticationThrottledException);
      // Another source is not affected.
      await expect(
        sut.authenticate({ authorization: basic(application.clientId, secret), params: {}, clientIp: '198.51.100.8' }),
      ).resolves.toBeDefined();
    });
  });
});
