import { randomUUID } from 'node:crypto';
import { validatePlain } from '@infergate/validation';
import { rmSync } from 'node:fs';
import { CreateOrganizationDto, OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { ManagementServer } from '@infergate/observability';
import { callerWithRole, type TestCaller } from '../authorization/support/principals';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { createTenant, writePlansDir, type Tenant } from '../throttling/support';
import { freePort, parsePrometheus, sumOf, type Sample } from './support/prometheus-text';

const PLANS = `
defaultPlan: roomy
plans:
  roomy:
    rateLimits:
      application: { rate: 10000, per: second, burst: 100000 }
    quotas:
      organization: { day: 1000000, month: 10000000 }
  tight:
    rateLimits:
      application: { rate: 0.001, per: second, burst: 2 }
organizations:
  metrics-tight-org: tight
`;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const PROMETHEUS_TEXT = /^text\/plain; version=0\.0\.4/;

/**
 * Traffic through the real gateway (token requests, authenticated and refused calls, a rate-limited
 * client), then a scrape: every series of the catalogue that this traffic touches exists with the
 * values the traffic implies, labelled by route template and never by raw ids.
 */
describe('metrics (e2e)', () => {
  let gateway: RunningGateway;
  let plansDir: string;
  let managementPort: number;
  let orgId: string;
  let admin: TestCaller;
  let scraper: TestCaller;
  let tight: Tenant;
  let samples: Sample[];

  const call = (path: string, headers: Record<string, string> = {}) => fetch(`${gateway.url}${path}`, { headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    plansDir = writePlansDir(PLANS);
    managementPort = await freePort();
    gateway = await startGateway({ PLANS_DIR: plansDir, METRICS_PORT: String(managementPort) });
    orgId = (
      await gateway.app.get(OrganizationsService).create(SYSTEM_PRINCIPAL, validatePlain(CreateOrganizationDto, { name: 'metrics-org' }))
    ).id;
    admin = await callerWithRole(gateway.app, gateway.url, orgId, 'platform-admin', ['admin']);
    scraper = await callerWithRole(gateway.app, gateway.url, orgId, 'platform-admin', ['metrics:read']);
    tight = await createTenant(gateway.app, { orgName: 'metrics-tight-org' });

    const consumer = await callerWithRole(gateway.app, gateway.url, orgId, 'model-consumer');
    expect((await call(`/v1/admin/organizations/${orgId}`, bearer(admin.token))).status).toBe(200);
    expect((await call(`/v1/admin/organizations/${orgId}`, bearer(admin.token))).status).toBe(200);
    expect((await call('/v1/admin/organizations', bearer(consumer.token))).status).toBe(403);
    expect((await call('/v1/usage', { 'x-api-key': 'ig_not-a-real-key' })).status).toBe(401);
    const badSecret = await fetch(`${gateway.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${admin.clientId}:wrong-secret`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(badSecret.status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await call('/v1/usage', { 'x-api-key': tight.key })).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect((await call(`/v1/no/such/route/${randomUUID()}`)).status).toBe(404);

    const scrape = await call('/metrics', bearer(admin.token));
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(PROMETHEUS_TEXT);
    samples = parsePrometheus(await scrape.text());
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(plansDir, { recursive: true, force: true });
  });

  describe('GET /metrics', () => {
    it('refuses a request without credentials (401) on the main port', async () => {
      const response = await call('/metrics');
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain('infergate_');
    });

    it('serves a token narrowed to metrics:read', async () => {
      const response = await call('/metrics', bearer(scraper.token));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('infergate_http_requests_total');
    });

    it('refuses an authenticated caller without the role (403)', async () => {
      const response = await call('/metrics', { 'x-api-key': tight.key });
      expect(response.status).toBe(403);
    });

    it('is served without credentials on the management port, and nothing else is', async () => {
      const address = gateway.app.get(ManagementServer).address();
      expect(address).toMatchObject({ address: '127.0.0.1', port: managementPort });
      const response = await fetch(`http://127.0.0.1:${managementPort}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(PROMETHEUS_TEXT);
      expect(await response.text()).toContain('infergate_authentications_total');
      expect((await fetch(`http://127.0.0.1:${managementPort}/v1/usage`)).status).toBe(404);
    });
  });

  it('counts HTTP requests by route template, method and status, never by raw path', () => {
    const http = samples.filter((s) => s.name === 'infergate_http_requests_total');
    expect(sumOf(samples, 'infergate_http_requests_total', { route: '/v1/admin/organizations/:orgId', method: 'GET', status: '200' })).toBe(
      2,
    );
    expect(sumOf(samples, 'infergate_http_requests_total', { route: '/v1/admin/organizations', status: '403' })).toBe(1);
    expect(sumOf(samples, 'infergate_http_requests_total', { route: '/oauth/token', method: 'POST', status: '401' })).toBe(1);
    expect(sumOf(samples, 'infergate_http_requests_total', { route: '/v1/usage', status: '429' })).toBe(2);
    expect(sumOf(samples, 'infergate_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    for (const sample of http) {
      expect(sample.labels.route).not.toMatch(UUID);
      expect(sample.labels.route === 'unmatched' || sample.labels.route.startsWith('/')).toBe(true);
    }
    expect(sumOf(samples, 'infergate_http_request_duration_seconds_count', { route: '/v1/usage', status_class: '2xx' })).toBe(2);
    const slowest = sumOf(samples, 'infergate_http_request_duration_seconds_sum', { route: '/v1/admin/organizations/:orgId' });
    expect(slowest).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(10);
  });

  it('counts authentications by method, outcome and reason', () => {
    const authn = (labels: Record<string, string>) => sumOf(samples, 'infergate_authentications_total', labels);
    // One token request per caller of this suite (admin, scraper, consumer).
    expect(authn({ method: 'client_secret', outcome: 'success' })).toBe(3);
    expect(authn({ method: 'client_secret', outcome: 'failure', reason: 'bad_secret' })).toBe(1);
    expect(authn({ method: 'access_token', outcome: 'success' })).toBeGreaterThanOrEqual(3);
    expect(authn({ method: 'api_key', outcome: 'success' })).toBe(4);
    expect(authn({ method: 'api_key', outcome: 'failure' })).toBe(1);
  });

  it('counts authorization denials by subject, action and deciding rule', () => {
    const denials = samples.filter((s) => s.name === 'infergate_authorization_denials_total' && s.value > 0);
    expect(denials).toEqual(
      expect.arrayContaining([expect.objectContaining({ labels: expect.objectContaining({ subject: 'Organization', action: 'read' }) })]),
    );
    for (const denial of denials) expect(denial.labels.rule).toMatch(/^[\w-]+$/);
  });

  it('counts rate-limit decisions by scope and outcome, and quota use per organization', () => {
    expect(sumOf(samples, 'infergate_rate_limit_decisions_total', { scope: 'application', outcome: 'limited' })).toBe(2);
    expect(sumOf(samples, 'infergate_rate_limit_decisions_total', { scope: 'all', outcome: 'allowed' })).toBeGreaterThanOrEqual(4);
    // Two reads of the organization by the admin, each a unit of the organization's daily quota.
    expect(sumOf(samples, 'infergate_quota_used_units', { org: orgId, period: 'day' })).toBeGreaterThanOrEqual(2);
  });

  it('exports process metrics', () => {
    expect(sumOf(samples, 'infergate_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sumOf(samples, 'infergate_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });
});
