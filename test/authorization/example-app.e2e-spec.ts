import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import { OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { SecuredServiceModule, type SecuredServiceOptions } from '../../examples/secured-service/app.module';
import { RunningGateway, startGateway, TEST_DEFAULTS } from '../support/in-process-gateway';
import { callerWithRole } from './support/principals';

const MISSING = '00000000-0000-4000-8000-00000000dead';

/**
 * The example app of another team: IdentityModule (verification only), AuthorizationModule and
 * ThrottlingModule with its own options, none of the gateway's configuration. The gateway runs next to
 * it and issues the tokens; both read the same directory (tenancy, signing keys).
 */
describe('secured-service example (e2e): the security modules reused outside the gateway', () => {
  let gateway: RunningGateway;
  let app: NestFastifyApplication;
  let url: string;
  let ownDir: string;
  let orgA: string;
  let orgB: string;
  let tokenOfA: string;

  const report = (orgId: string, token?: string) =>
    fetch(`${url}/reports/${orgId}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  /** The problem body without what differs per request. */
  const stable = async (response: Response) => ({ ...((await response.json()) as object), requestId: undefined, instance: undefined });

  const options = (): SecuredServiceOptions => ({
    database: { sqlitePath: join(gateway.dataDir, 'infergate.sqlite') },
    // The gateway's issuer (its default) and master key (which protects the signing keys it wrote).
    identity: { issuer: 'http://localhost:3000', masterKey: TEST_DEFAULTS.MASTER_KEY },
    authorization: { policyDir: join(__dirname, '../../policies'), watchPolicies: false },
    throttling: { plansDir: join(__dirname, '../../examples/secured-service/plans'), watchPlans: false },
    audit: { spoolDir: join(ownDir, 'audit-spool') },
    logLevel: 'silent',
  });

  beforeAll(async () => {
    gateway = await startGateway({ BOOTSTRAP_ADMIN_CLIENT_SECRET: 'example-bootstrap-secret-0123456789abcdef' });
    ownDir = mkdtempSync(join(tmpdir(), 'infergate-example-'));
    app = await NestFactory.create<NestFastifyApplication>(
      SecuredServiceModule.register(options()),
      new FastifyAdapter({ logger: false }),
      {
        logger: false,
      },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    await app.get(DatabaseService).settled();
    const address = app.getHttpServer().address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const organizations = gateway.app.get(OrganizationsService);
    const create = async (name: string) =>
      (await organizations.create(SYSTEM_PRINCIPAL, { name, allowedRegions: [], allowedCidrs: [], maxClearance: 'restricted' })).id;
    orgA = await create('team-a');
    orgB = await create('team-b');
    // Least privilege: an auditor (reads its organization) with a token narrowed to audit:read, from the gateway.
    tokenOfA = (await callerWithRole(gateway.app, gateway.url, orgA, 'auditor', ['audit:read'])).token;
  });
  afterAll(async () => {
    await app?.close();
    await gateway?.close();
    rmSync(ownDir, { recursive: true, force: true });
  });

  it('answers a request without a token with 401 and a Bearer challenge', async () => {
    const response = await report(orgA);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="infergate"/);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it("answers organization A's token asking for B's report exactly like a report that does not exist (404)", async () => {
    const theirs = await report(orgB, tokenOfA);
    const none = await report(MISSING, tokenOfA);
    expect(theirs.status).toBe(404);
    expect(none.status).toBe(404);
    expect(await stable(theirs)).toEqual(await stable(none));
  });

  it("serves organization A's own report to a token the gateway issued", async () => {
    const response = await report(orgA, tokenOfA);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ orgId: orgA, name: 'team-a', status: 'active', applications: 1 });
  });

  it('is refused by the PoliciesGuard when the role gives nothing on the route (a role-less application)', async () => {
    const roleless = await callerWithRole(gateway.app, gateway.url, orgA, null);
    expect((await report(orgA, roleless.token)).status).toBe(403);
  });

  it("limits each application by the example's own plan: 429 with Retry-After once the burst of 3 is spent", async () => {
    const caller = await callerWithRole(gateway.app, gateway.url, orgA, 'auditor', ['audit:read']);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await report(orgA, caller.token)).status);
    const limited = await report(orgA, caller.token);
    expect(statuses).toEqual([200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('carries none of the rest of the gateway: no health, no authorization server, no admin API', async () => {
    expect((await fetch(`${url}/health/live`)).status).toBe(404);
    expect((await fetch(`${url}/.well-known/jwks.json`)).status).toBe(404);
    expect((await fetch(`${url}/oauth/token`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${url}/v1/admin/organizations`, { headers: { authorization: `Bearer ${tokenOfA}` } })).status).toBe(404);
  });

  it('refuses options its classes reject, with one line naming the setting', async () => {
    const starting = NestFactory.createApplicationContext(
      SecuredServiceModule.register({ ...options(), identity: { ...options().identity, accessTokenTtlSeconds: 5 } }),
      { logger: false, abortOnError: false },
    );
    const error: unknown = await starting.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems).toEqual(['identity.accessTokenTtlSeconds: must not be less than 30']);
  });
});
