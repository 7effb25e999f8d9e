import { randomUUID } from 'node:crypto';
import { Agent, fetch } from 'undici';
import { DatabaseService } from '@infergate/database';
import { ApplicationEntity, OrganizationEntity } from '@infergate/identity';
import { IssuedCertificate, TestCertificateAuthority, TestPki } from '../support/certificates';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { ProbeModule } from '../support/probe.module';

const BARE_CHALLENGE = 'Bearer realm="infergate"';

/** Registers an active organization and a tls_client_auth application directly in the gateway's database. */
async function registerApplication(
  gateway: RunningGateway,
  certificate: { tlsCertThumbprint?: string; tlsSubjectSan?: string; allowedCidrs?: string[] },
): Promise<ApplicationEntity> {
  const database = gateway.app.get(DatabaseService);
  const now = new Date();
  const org = await database.repository(OrganizationEntity).save({
    id: randomUUID(),
    name: `org-${randomUUID()}`,
    displayName: null,
    status: 'active',
    allowedRegions: [],
    allowedCidrs: [],
    maxClearance: 'restricted',
    createdAt: now,
    updatedAt: now,
  });
  return database.repository(ApplicationEntity).save({
    id: randomUUID(),
    orgId: org.id,
    projectId: null,
    clientId: `mtls-${randomUUID()}`,
    name: 'mtls client',
    status: 'active',
    authMethod: 'tls_client_auth',
    allowedScopes: ['infer'],
    secretHash: null,
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    jwks: null,
    tlsCertThumbprint: certificate.tlsCertThumbprint ?? null,
    tlsSubjectSan: certificate.tlsSubjectSan ?? null,
    clearance: 'internal',
    allowedRegions: [],
    allowedCidrs: certificate.allowedCidrs ?? [],
    createdAt: now,
    updatedAt: now,
    disabledAt: null,
  });
}

function portOf(gateway: RunningGateway): number {
  const address = gateway.app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : 0;
}

describe('mutual TLS (e2e)', () => {
  let pki: TestPki;
  let authority: TestCertificateAuthority;
  let registered: IssuedCertificate;
  let bySan: IssuedCertificate;
  let unregistered: IssuedCertificate;
  let foreign: IssuedCertificate;
  const agents: Agent[] = [];

  beforeAll(() => {
    pki = new TestPki();
    authority = pki.createAuthority('Gateway Client CA');
    registered = authority.issueClient('registered-client', ['DNS:registered.example.com']);
    bySan = authority.issueClient('san-client', ['DNS:san-client.example.com', 'URI:spiffe://example.org/ns/prod/sa/scorer']);
    unregistered = authority.issueClient('unregistered-client', ['DNS:unregistered.example.com']);
    // A look-alike: same CA name, and the SAN an application is registered by, but a CA the gateway does not trust.
    foreign = pki
      .createAuthority('Gateway Client CA')
      .issueClient('san-client', ['DNS:san-client.example.com', 'URI:spiffe://example.org/ns/prod/sa/scorer']);
  });
  afterAll(() => pki.cleanup());

  /** An HTTPS client that trusts the test CA for the server and presents `client` (or nothing). */
  function agent(client?: IssuedCertificate): Agent {
    const created = new Agent({ connect: { ca: authority.cert, ...(client ? { cert: client.cert, key: client.key } : {}) } });
    agents.push(created);
    return created;
  }

  describe('over HTTPS with client certificates verified against TLS_CLIENT_CA_FILE', () => {
    let gateway: RunningGateway;
    let baseUrl: string;
    let registeredApplication: ApplicationEntity;

    beforeAll(async () => {
      const server = authority.issueServer('localhost', ['DNS:localhost', 'IP Address:127.0.0.1']);
      gateway = await startGateway(
        {
          TLS_CERT_FILE: server.certFile,
          TLS_KEY_FILE: server.keyFile,
          TLS_CLIENT_CA_FILE: authority.certFile,
          // Proxies exist, but the tests connect from 127.0.0.1, which is not one of them.
          TRUSTED_PROXY_CIDRS: '10.0.0.0/8',
        },
        [ProbeModule],
      );
      baseUrl = `https://127.0.0.1:${portOf(gateway)}`;
      registeredApplication = await registerApplication(gateway, { tlsCertThumbprint: registered.thumbprint });
      await registerApplication(gateway, { tlsSubjectSan: 'URI:spiffe://example.org/ns/prod/sa/scorer' });
    });
    afterAll(async () => {
      await Promise.all(agents.splice(0).map((a) => a.close()));
      await gateway.close();
    });

    const probe = (dispatcher: Agent, headers: Record<string, string> = {}) => fetch(`${baseUrl}/probe/protected`, { dispatcher, headers });

    it('authenticates a registered certificate with no other credential, on every request of the connection', async () => {
      const client = agent(registered);
      for (let i = 0; i < 3; i += 1) {
        const response = await probe(client);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ ok: true });
      }
    });

    it('authenticates a certificate by its registered subject alternative name', async () => {
      const response = await probe(agent(bySan));
      expect(response.status).toBe(200);
    });

    it('answers an unregistered certificate of the trusted CA with 401', async () => {
      const response = await probe(agent(unregistered));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="infergate"/);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('answers a look-alike certificate from another CA with 401: the handshake completes, the certificate does not count', async () => {
      const response = await probe(agent(foreign));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="infergate"/);
    });

    it('answers a connection without a certificate with the bare 401 challenge', async () => {
      const response = await probe(agent());
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(BARE_CHALLENGE);
      expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized', instance: '/probe/protected' });
    });

    it('ignores a forged Client-Cert header from an address that is not a trusted proxy, even with X-Forwarded-For', async () => {
      const forged = { 'client-cert': `:${registered.derBase64}:` };
      for (const headers of [forged, { ...forged, 'x-forwarded-for': '10.0.0.1' }]) {
        const response = await probe(agent(), headers);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe(BARE_CHALLENGE);
      }
      // Nor does the header replace the certificate of the connection.
      expect((await probe(agent(unregistered), forged)).status).toBe(401);
    });

    describe('certificate-bound access tokens (RFC 8705 §3)', () => {
      let token: string;

      beforeAll(async () => {
        const response = await fetch(`${baseUrl}/oauth/token`, {
          method: 'POST',
          dispatcher: agent(registered),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: registeredApplication.clientId }).toString(),
        });
        const body = (await response.json()) as { access_token: string; token_type: string };
        expect(response.status).toBe(200);
        token = body.access_token;
        const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { cnf?: Record<string, string> };
        expect(claims.cnf).toEqual({ 'x5t#S256': registered.thumbprint });
      });

      const withToken = (dispatcher: Agent) => probe(dispatcher, { authorization: `Bearer ${token}` });

      it('works over a connection with the certificate it was issued to', async () => {
        expect((await withToken(agent(registered))).status).toBe(200);
      });

      it('is refused over a connection with another certificate, registered or not, or from another CA', async () => {
        for (const other of [bySan, unregistered, foreign]) {
          const response = await withToken(agent(other));
          expect(response.status).toBe(401);
          expect(response.headers.get('www-authenticate')).toBe(`${BARE_CHALLENGE}, error="invalid_token"`);
        }
      });

      it('is refused over a connection without a certificate, even with the certificate forged in Client-Cert', async () => {
        for (const headers of [{} as Record<string, string>, { 'client-cert': `:${registered.derBase64}:` }]) {
          const response = await probe(agent(), { authorization: `Bearer ${token}`, ...headers });
          expect(response.status).toBe(401);
          expect(response.headers.get('www-authenticate')).toBe(`${BARE_CHALLENGE}, error="invalid_token"`);
        }
      });
    });

    it('still serves public routes to clients without a certificate', async () => {
      const response = await fetch(`${baseUrl}/health/live`, { dispatcher: agent() });
      expect(response.status).toBe(200);
    });
  });

  describe('behind a TLS-terminating proxy (RFC 9440 Client-Cert over plain HTTP)', () => {
    const forgedHeader = () => ({ 'client-cert': `:${registered.derBase64}:` });

    it('ignores the header from an address outside TRUSTED_PROXY_CIDRS', async () => {
      const gateway = await startGateway({ TLS_OFFLOADED: 'true', TRUSTED_PROXY_CIDRS: '10.0.0.0/8,192.168.0.0/16' }, [ProbeModule]);
      try {
        await registerApplication(gateway, { tlsCertThumbprint: registered.thumbprint });
        for (const headers of [forgedHeader(), { ...forgedHeader(), 'x-forwarded-for': '10.0.0.1' }]) {
          const response = await fetch(`${gateway.url}/probe/protected`, { headers });
          expect(response.status).toBe(401);
          expect(response.headers.get('www-authenticate')).toBe(BARE_CHALLENGE);
        }
      } finally {
        await gateway.close();
      }
    });

    it('reads the header from a trusted proxy, and a malformed one as no certificate (401, never 5xx)', async () => {
      const gateway = await startGateway({ TLS_OFFLOADED: 'true', TRUSTED_PROXY_CIDRS: '127.0.0.1/32' }, [ProbeModule]);
      try {
        await registerApplication(gateway, { tlsCertThumbprint: registered.thumbprint });
        const ok = await fetch(`${gateway.url}/probe/protected`, { headers: forgedHeader() });
        expect(ok.status).toBe(200);

        for (const value of [
          registered.derBase64,
          `:${registered.derBase64.slice(1)}:`,
          ':bm90IGEgY2VydA==:',
          `:${registered.derBase64}:;a=1`,
        ]) {
          const response = await fetch(`${gateway.url}/probe/protected`, { headers: { 'client-cert': value } });
          expect(response.status).toBe(401);
        }
        // Past the header size limit the server refuses the request before the gateway reads it.
        const huge = await fetch(`${gateway.url}/probe/protected`, { headers: { 'client-cert': `:${'A'.repeat(20000)}:` } });
        expect([401, 431]).toContain(huge.status);
        expect((await fetch(`${gateway.url}/probe/protected`, { headers: { 'client-cert': `:${unregistered.derBase64}:` } })).status).toBe(
          401,
        );
      } finally {
        await gateway.close();
      }
    });

    it("takes the client address from X-Forwarded-For only when a trusted proxy sent it (the application's source CIDRs apply to it)", async () => {
      const cidrs = { tlsCertThumbprint: bySan.thumbprint, allowedCidrs: ['10.9.0.0/16'] };
      const viaProxy = { 'client-cert': `:${bySan.derBase64}:`, 'x-forwarded-for': '10.9.1.1' };
      const trusting = await startGateway({ TLS_OFFLOADED: 'true', TRUSTED_PROXY_CIDRS: '127.0.0.1/32' }, [ProbeModule]);
      try {
        await registerApplication(trusting, cidrs);
        expect((await fetch(`${trusting.url}/probe/protected`, { headers: viaProxy })).status).toBe(200);
        const outside = await fetch(`${trusting.url}/probe/protected`, { headers: { ...viaProxy, 'x-forwarded-for': '192.0.2.1' } });
        expect(outside.status).toBe(401);
      } finally {
        await trusting.close();
      }
    });
  });
});
