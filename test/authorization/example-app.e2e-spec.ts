import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import { OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { SecuredServiceModule } from '../../examples/secured-service/app.module';
import { callerWithRole } from './support/principals';

const MISSING = '00000000-0000-4000-8000-00000000dead';

/** The example app of another team: only IdentityModule and AuthorizationModule from the gateway. */
describe('secured-service example (e2e): the security modules reused outside the gateway', () => {
  let app: NestFastifyApplication;
  let url: string;
  let dataDir: string;
  let orgA: string;
  let orgB: string;
  let tokenOfA: string;

  const report = (orgId: string, token?: string) =>
    fetch(`${url}/reports/${orgId}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  /** The problem body without what differs per request. */
  const stable = async (response: Response) => ({ ...((await response.json()) as object), requestId: undefined, instance: undefined });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'infergate-example-'));
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      SQLITE_PATH: join(dataDir, 'example.sqlite'),
      MASTER_KEY: randomBytes(32).toString('base64'),
      BOOTSTRAP_ADMIN_CLIENT_SECRET: 'example-bootstrap-secret-0123456789abcdef',
    });
    app = await NestFactory.create<NestFastifyApplication>(SecuredServiceModule.register(config), new FastifyAdapter({ logger: false }), {
      logger: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    await app.get(DatabaseService).settled();
    const address = app.getHttpServer().address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const organizations = app.get(OrganizationsService);
    const create = async (name: string) =>
      (await organizations.create(SYSTEM_PRINCIPAL, { name, allowedRegions: [], allowedCidrs: [], maxClearance: 'restricted' })).id;
    orgA = await create('team-a');
    orgB = await create('team-b');
    // Least privilege: an auditor (reads its organization) with a token narrowed to audit:read.
    tokenOfA = (await callerWithRole(app, url, orgA, 'auditor', ['audit:read'])).token;
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
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

  it("serves organization A's own report to its token", async () => {
    const response = await report(orgA, tokenOfA);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ orgId: orgA, name: 'team-a', status: 'active', applications: 1 });
  });

  it('is refused by the PoliciesGuard when the role gives nothing on the route (a role-less application)', async () => {
    const roleless = await callerWithRole(app, url, orgA, null);
    expect((await report(orgA, roleless.token)).status).toBe(403);
  });

  it('carries none of the rest of the gateway (no health, no admin UI of its own making)', async () => {
    expect((await fetch(`${url}/health/live`)).status).toBe(404);
  });
});
