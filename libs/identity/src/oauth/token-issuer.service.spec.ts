import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { AuditEventEntity, AuditService } from '@infergate/audit';
import type { ClientCertificate } from '../mtls/client-certificate';
import type { ApplicationEntity } from '../tenancy/application.entity';
import type { OrganizationEntity } from '../tenancy/organization.entity';
import { principalFromAccessToken } from './access-token-claims';
import { OAuthErrorException } from './oauth.errors';
import { SigningKeysService } from './signing-keys.service';
import { bindRole, createApplication, createOrganization, createProject } from './testing/oauth-fixtures';
import { createOAuthHarness, OAuthHarness } from './testing/oauth-test-harness';
import { grantedScopes, TokenIssuerService } from './token-issuer.service';

describe(TokenIssuerService.name, () => {
  let harness: OAuthHarness;
  let sut: TokenIssuerService;
  let organization: OrganizationEntity;
  let application: ApplicationEntity;
  let projectId: string;

  beforeEach(async () => {
    harness = await createOAuthHarness({
      issuer: 'https://auth.test',
      audience: 'infergate-api',
      accessTokenTtlSeconds: 300,
    });
    sut = harness.app.get(TokenIssuerService);
    organization = await createOrganization(harness.database, { maxClearance: 'restricted' });
    projectId = (await createProject(harness.database, organization.id)).id;
    ({ application } = await createApplication(harness.database, harness.masterKey, organization.id, {
      projectId,
      allowedScopes: ['models:read', 'infer', 'usage:read'],
      clearance: 'confidential',
      allowedRegions: ['eu-west-1', 'eu-central-1'],
      allowedCidrs: ['10.0.0.0/8'],
    }));
  });
  afterEach(() => harness.close());

  const verify = async (token: string) =>
    jwtVerify(token, createLocalJWKSet(await harness.app.get(SigningKeysService).publicJwks()), {
      typ: 'at+jwt',
      issuer: 'https://auth.test',
      audience: 'infergate-api',
    });

  it('issues an RFC 9068 token whose header and claims are exactly the contract', async () => {
    const other = await createOrganization(harness.database);
    await bindRole(harness.database, application.id, 'org-admin', organization.id);
    await bindRole(harness.database, application.id, 'model-publisher', organization.id, projectId);
    await bindRole(harness.database, application.id, 'platform-admin', null);
    // A role in another organization must not be carried into this organization's token.
    await bindRole(harness.database, application.id, 'auditor', other.id);

    const issued = await sut.issue({ application, organization, scope: 'infer models:read' });
    const { payload, protectedHeader } = await verify(issued.accessToken);

    const signer = await harness.app.get(SigningKeysService).signingKey();
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: signer.kid, typ: 'at+jwt' });
    expect(payload).toEqual({
      iss: 'https://auth.test',
      aud: 'infergate-api',
      sub: application.id,
      client_id: application.clientId,
      iat: expect.any(Number),
      exp: (payload.iat as number) + 300,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      scope: 'infer models:read',
      org_id: organization.id,
      project_ids: [projectId],
      roles: expect.arrayContaining(['org-admin', `model-publisher@${projectId}`, 'platform-admin']),
      clearance: 'confidential',
      regions: ['eu-west-1', 'eu-central-1'],
      cidrs: ['10.0.0.0/8'],
    });
    expect(payload.roles).toHaveLength(3);
    expect(issued).toMatchObject({ expiresIn: 300, scope: 'infer models:read' });
    expect(Math.abs((payload.iat as number) - Math.floor(Date.now() / 1000))).toBeLessThanOrEqual(2);

    const principal = principalFromAccessToken(issued.claims);
    expect(principal).toMatchObject({ subject: application.id, orgId: organization.id, scopes: ['infer', 'models:read'] });
  });

  it('gives a fresh jti to every token', async () => {
    const a = await sut.issue({ application, organization });
    const b = await sut.issue({ application, organization });
    expect(a.claims.jti).not.toBe(b.claims.jti);
  });

  it('grants every allowed scope when none is requested, and only requested ones otherwise', async () => {
    expect((await sut.issue({ application, organization })).scope).toBe('infer models:read usage:read');
    expect((await sut.issue({ application, organization, scope: '' })).scope).toBe('infer models:read usage:read');
    expect((await sut.issue({ application, organization, scope: 'usage:read usage:read' })).scope).toBe('usage:read');
  });

  it.each(['admin', 'infer admin', 'models:write', 'no-such-scope', 'INFER'])(
    'refuses a requested scope the client may not have: %s',
    async (scope) => {
      const attempt = sut.issue({ application, organization, scope });
      await expect(attempt).rejects.toThrow(OAuthErrorException);
      await expect(attempt).rejects.toMatchObject({ error: 'invalid_scope', status: 400 });
    },
  );

  it('computes the scope intersection without widening', () => {
    expect(grantedScopes(['infer'], undefined)).toEqual(['infer']);
    expect(grantedScopes([], undefined)).toEqual([]);
    expect(() => grantedScopes([], 'infer')).toThrow(OAuthErrorException);
  });

  it("caps the clearance at the organization's maximum", async () => {
    const capped = await createOrganization(harness.database, { maxClearance: 'internal' });
    const { application: restricted } = await createApplication(harness.database, harness.masterKey, capped.id, {
      clearance: 'restricted',
    });
    const issued = await sut.issue({ application: restricted, organization: capped });
    expect(issued.claims.clearance).toBe('internal');
    expect(issued.claims.project_ids).toEqual([]);
  });

  it('binds the token to the client certificate of the connection (RFC 8705)', async () => {
    const certificate: ClientCertificate = { thumbprint: 'x'.repeat(43), subject: 'CN=c', subjectAltNames: [], source: 'tls' };
    const issued = await sut.issue({ application, organization, certificate });
    expect((await verify(issued.accessToken)).payload.cnf).toEqual({ 'x5t#S256': 'x'.repeat(43) });
    expect((await sut.issue({ application, organization })).claims).not.toHaveProperty('cnf');
  });

  it('signs with the new key after a rotation', async () => {
    const before = await sut.issue({ application, organization });
    const rotated = await harness.app.get(SigningKeysService).rotate({ activateAt: new Date() });
    const after = await sut.issue({ application, organization });
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(rotated.kid);
    expect(decodeProtectedHeader(before.accessToken).kid).not.toBe(rotated.kid);
    await expect(verify(before.accessToken)).resolves.toBeDefined();
  });

  it('records the issue in the audit trail without the token', async () => {
    const issued = await sut.issue({ application, organization, requestId: 'req-7' });
    await harness.app.get(AuditService).flush();
    const events = harness.database.repository(AuditEventEntity);
    let event: AuditEventEntity | null = null;
    for (let i = 0; i < 50 && !event; i += 1) {
      event = await events.findOneBy({ action: 'oauth.token.issued' });
      if (!event) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(event).toMatchObject({ actorId: application.id, orgId: organization.id, resourceId: issued.claims.jti, requestId: 'req-7' });
    expect(JSON.stringify(event)).not.toContain(issued.accessToken.split('.')[2]);
  });
});
