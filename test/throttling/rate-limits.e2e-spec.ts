import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { SCOPES } from '@infergate/contracts';
import { ApiKeysService, ApplicationsService, BOOTSTRAP_APPLICATION_ID, OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { createTenant, Tenant, writePlansDir } from './support';

const PROBLEM_JSON = /^application\/problem\+json/;
const HERD_BURST = 37;

const PLANS = `
defaultPlan: roomy
plans:
  roomy:
    rateLimits:
      application: { rate: 10000, per: second, burst: 100000 }
  tight:
    rateLimits:
      application: { rate: 0.001, per: second, burst: 5 }
    concurrency:
      organization: 2
  herd:
    rateLimits:
      application: { rate: 0.001, per: second, burst: ${HERD_BURST} }
  metered:
    rateLimits:
      application: { rate: 10000, per: second, burst: 100000 }
    quotas:
      application: { day: 3 }
      organization: { month: 1000 }
organizations:
  tight-org: tight
  herd-org: herd
  metered-org: metered
`;

describe('plan rate limits and quotas (e2e, memory store)', () => {
  let gateway: RunningGateway;
  let plansDir: string;
  let adminKey: string;

  const get = (key: string, path = '/v1/usage') => fetch(`${gateway.url}${path}`, { headers: { 'x-api-key': key } });

  beforeAll(async () => {
    plansDir = writePlansDir(PLANS);
    gateway = await startGateway({
      MASTER_KEY: randomBytes(32).toString('base64'),
      PLANS_DIR: plansDir,
      BOOTSTRAP_ADMIN_CLIENT_ID: 'bootstrap-throttling',
      BOOTSTRAP_ADMIN_CLIENT_SECRET: 'bootstrap-throttling-secret-0123456789abcdef',
      FAILED_AUTH_SLOW_AFTER: '100000',
      FAILED_AUTH_BLOCK_AFTER: '100000',
      PREAUTH_RATE_PER_SECOND: '1000000',
      PREAUTH_BURST: '1000000',
    });
    const orgs = await gateway.app.get(OrganizationsService).list(SYSTEM_PRINCIPAL, { limit: 200, offset: 0 });
    const platformOrg = orgs.items.find((org) => org.name === 'platform')!.id;
    const platform = await gateway.app.get(ApplicationsService).findReadable(SYSTEM_PRINCIPAL, platformOrg, BOOTSTRAP_APPLICATION_ID);
    adminKey = (
      await gateway.app.get(ApiKeysService).create(SYSTEM_PRINCIPAL, platform.orgId, platform.id, { name: 'e2e', scopes: [...SCOPES] })
    ).key;
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(plansDir, { recursive: true, force: true });
  });

  describe('an application whose bucket admits a burst of 5', () => {
    let tight: Tenant;
    beforeAll(async () => {
      tight = await createTenant(gateway.app, { orgName: 'tight-org' });
    });

    it('does not spend on requests that authentication or authorization refuse', async () => {
      const wrongSecret = tight.key.replace(/_[^_]+$/, `_${'x'.repeat(20)}`);
      for (let i = 0; i < 10; i += 1) expect((await get(wrongSecret)).status).toBe(401);
      // The application holds no role: the admin API is refused before the throttler.
      for (let i = 0; i < 10; i += 1) expect((await get(tight.key, '/v1/admin/organizations')).status).toBe(403);
    });

    it('admits exactly 5 of 20 requests; the rest are 429 with Retry-After and RateLimit fields', async () => {
      const responses = [];
      for (let i = 0; i < 20; i += 1) responses.push(await get(tight.key));
      const statuses = responses.map((r) => r.status);
      expect(statuses).toEqual([...Array<number>(5).fill(200), ...Array<number>(15).fill(429)]);

      const first = responses[0];
      expect(first.headers.get('ratelimit-policy')).toBe('"application";q=5;w=5000');
      expect(first.headers.get('ratelimit')).toMatch(/^"application";r=4;t=\d+$/);
      expect(responses[4].headers.get('ratelimit')).toMatch(/^"application";r=0;t=\d+$/);

      const refused = responses[5];
      expect(refused.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.headers.get('ratelimit-policy')).toBe('"application";q=5;w=5000');
      expect(refused.headers.get('ratelimit')).toMatch(/^"application";r=0;t=\d+$/);
      expect(await refused.json()).toMatchObject({ type: 'urn:infergate:problem:rate-limited', status: 429, title: 'Too Many Requests' });
    });
  });

  it('answers a quota exhaustion naming the quota and when it resets; GET /v1/usage shows consumption', async () => {
    const metered = await createTenant(gateway.app, { orgName: 'metered-org' });
    const usage = await get(metered.key);
    expect(usage.status).toBe(200);
    const tomorrow = new Date();
    tomorrow.setUTCHours(24, 0, 0, 0);
    expect(await usage.json()).toMatchObject({
      orgId: metered.orgId,
      applicationId: metered.appId,
      plan: 'metered',
      quotas: [
        { scope: 'application', period: 'day', limit: 3, used: 1, remaining: 2, resetsAt: tomorrow.toISOString() },
        { scope: 'organization', period: 'month', limit: 1000, used: 1, remaining: 999 },
      ],
      rateLimits: { application: { rate: 10000, per: 'second', burst: 100000 } },
    });
    expect((await get(metered.key)).status).toBe(200);
    const third = await get(metered.key);
    expect(third.headers.get('ratelimit')).toMatch(/^"application-day";r=0;t=\d+$/);

    const refused = await get(metered.key);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-policy')).toBe('"application-day";q=3;w=86400');
    expect(await refused.json()).toMatchObject({
      type: 'urn:infergate:problem:quota-exhausted',
      status: 429,
      detail: `The application-day quota of 3 units is exhausted; it resets at ${tomorrow.toISOString()}.`,
      quota: 'application-day',
      resetsAt: tomorrow.toISOString(),
    });
  });

  it("lets admins read an organization's usage; another organization's is 404", async () => {
    const tenant = await createTenant(gateway.app, { orgName: 'usage-org' });
    const orgAdmin = await createTenant(gateway.app, { orgId: tenant.orgId, role: 'org-admin' });
    const outsider = await createTenant(gateway.app, { orgName: 'usage-other-org', role: 'org-admin' });

    const own = await get(orgAdmin.key, `/v1/usage?orgId=${tenant.orgId}`);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ orgId: tenant.orgId, plan: 'roomy' });
    expect((await get(adminKey, `/v1/usage?orgId=${tenant.orgId}`)).status).toBe(200);

    const other = await get(outsider.key, `/v1/usage?orgId=${tenant.orgId}`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ type: 'urn:infergate:problem:not-found' });
    // Without an admin role, not even the caller's own organization.
    expect((await get(tenant.key, `/v1/usage?orgId=${tenant.orgId}`)).status).toBe(404);
    expect((await get(adminKey, '/v1/usage?orgId=00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get(adminKey, '/v1/usage?orgId=nope')).status).toBe(400);
  });

  it(`admits exactly ${HERD_BURST} of 500 concurrent requests, 10 times over (no over- or under-admission)`, async () => {
    const herdOrg = (await createTenant(gateway.app, { orgName: 'herd-org' })).orgId;
    for (let round = 0; round < 10; round += 1) {
      const tenant = await createTenant(gateway.app, { orgId: herdOrg });
      const statuses = await Promise.all(
        Array.from({ length: 500 }, () => get(tenant.key).then(async (r) => (await r.arrayBuffer(), r.status))),
      );
      const counts = { ok: statuses.filter((s) => s === 200).length, limited: statuses.filter((s) => s === 429).length };
      expect([round, counts]).toEqual([round, { ok: HERD_BURST, limited: 500 - HERD_BURST }]);
    }
  }, 120_000);
});
