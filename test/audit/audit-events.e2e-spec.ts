import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditService, type AuditEventInput, type AuditEventView } from '@infergate/audit';
import { OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { callerWithRole } from '../authorization/support/principals';
import { RunningGateway, startGateway } from '../support/in-process-gateway';

interface Seeded extends AuditEventInput {
  id: string;
  occurredAt: Date;
}

/**
 * GET /v1/admin/audit-events against the real gateway: filters, keyset pages, the NDJSON export, and
 * the organization boundary (an auditor reaches its own organization's events, whatever it asks for).
 */
describe('GET /v1/admin/audit-events (e2e)', () => {
  let gateway: RunningGateway;
  let spoolDir: string;
  let orgA: string;
  let orgB: string;
  let adminToken: string;
  let auditorToken: string;
  let consumerToken: string;
  let orgAdminToken: string;
  const seeded: Seeded[] = [];
  const base = new Date('2026-02-01T00:00:00.000Z');

  beforeAll(async () => {
    spoolDir = mkdtempSync(join(tmpdir(), 'infergate-audit-e2e-'));
    gateway = await startGateway({ AUDIT_SPOOL_DIR: spoolDir });
    const orgs = gateway.app.get(OrganizationsService);
    const org = async (name: string) =>
      (await orgs.create(SYSTEM_PRINCIPAL, { name, allowedRegions: [], allowedCidrs: [], maxClearance: 'restricted' })).id;
    orgA = await org('audited-a');
    orgB = await org('audited-b');
    adminToken = (await callerWithRole(gateway.app, gateway.url, orgA, 'platform-admin')).token;
    auditorToken = (await callerWithRole(gateway.app, gateway.url, orgA, 'auditor', ['audit:read'])).token;
    orgAdminToken = (await callerWithRole(gateway.app, gateway.url, orgA, 'org-admin')).token;
    consumerToken = (await callerWithRole(gateway.app, gateway.url, orgA, 'model-consumer')).token;

    const audit = gateway.app.get(AuditService);
    const outcomes = ['success', 'failure', 'denied'] as const;
    for (let i = 0; i < 40; i += 1) {
      // Every fourth event shares its time with the one before: the cursor must break ties by id.
      const occurredAt = new Date(base.getTime() + Math.floor(i - (i % 4 === 3 ? 1 : 0)) * 60_000);
      const event: AuditEventInput = {
        action: i % 5 === 0 ? 'seed.auth.failed' : i % 2 === 0 ? 'seed.model.changed' : 'seed.auth.ok',
        outcome: outcomes[i % 3],
        actor: { type: 'user', id: `actor-${i % 4}` },
        orgId: i % 3 === 0 ? orgB : orgA,
        occurredAt,
        details: { i },
      };
      seeded.push({ ...event, occurredAt, id: audit.enqueue(event) });
    }
    await audit.flush();
  }, 60_000);

  afterAll(async () => {
    await gateway.close();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  const get = (path: string, token: string, accept = 'application/json') =>
    fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}`, accept } });

  async function allPages(query: string, token: string, limit: number): Promise<AuditEventView[]> {
    const items: AuditEventView[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages += 1) {
      const response = await get(`/v1/admin/audit-events?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, token);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { items: AuditEventView[]; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(limit);
      items.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error('pagination did not end');
  }

  const byTime = (a: Seeded, b: Seeded) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const expectedIds = (keep: (event: Seeded) => boolean) =>
    seeded
      .filter(keep)
      .sort(byTime)
      .map((event) => event.id);

  it('pages through every matching event exactly once, oldest first', async () => {
    const items = await allPages('action=seed.*', adminToken, 7);
    expect(items.map((item) => item.id)).toEqual(expectedIds(() => true));
    expect(items[0]).toMatchObject({
      actor: { type: 'user', id: 'actor-0' },
      details: { i: 0 },
      seq: expect.any(Number),
      hash: expect.any(String),
    });
  });

  it.each([
    ['an exact action', 'action=seed.auth.failed', (e: Seeded) => e.action === 'seed.auth.failed'],
    ['an action prefix', 'action=seed.auth.*', (e: Seeded) => e.action.startsWith('seed.auth.')],
    ['an outcome', 'action=seed.*&outcome=denied', (e: Seeded) => e.outcome === 'denied'],
    ['an actor', 'action=seed.*&actor=actor-2', (e: Seeded) => e.actor.id === 'actor-2'],
    ['an organization', `action=seed.*&orgId=${'B'}`, (e: Seeded) => e.orgId === 'B'],
    [
      'a time range (from inclusive, to exclusive)',
      `action=seed.*&from=${new Date(base.getTime() + 10 * 60_000).toISOString()}&to=${new Date(base.getTime() + 20 * 60_000).toISOString()}`,
      (e: Seeded) => e.occurredAt.getTime() >= base.getTime() + 10 * 60_000 && e.occurredAt.getTime() < base.getTime() + 20 * 60_000,
    ],
  ])('filters by %s', async (_name, query, keep) => {
    const resolved = query.replace('orgId=B', `orgId=${orgB}`);
    const matches = (e: Seeded) => keep({ ...e, orgId: e.orgId === orgB ? 'B' : e.orgId });
    const items = await allPages(resolved, adminToken, 4);
    expect(items.map((item) => item.id)).toEqual(expectedIds(matches));
    expect(items.length).toBeGreaterThan(0);
  });

  it('treats a prefix literally: no SQL wildcards', async () => {
    const response = await get('/v1/admin/audit-events?action=seed_auth%25*', adminToken);
    expect(((await response.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('exports every matching event as NDJSON, unpaged', async () => {
    const response = await get('/v1/admin/audit-events?action=seed.*&limit=2', adminToken, 'application/x-ndjson');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await response.text()).split('\n');
    expect(lines.pop()).toBe('');
    const events = lines.map((line) => JSON.parse(line) as AuditEventView);
    expect(events.map((event) => event.id)).toEqual(expectedIds(() => true));
  });

  it("shows an auditor its own organization's events only", async () => {
    const items = await allPages('action=seed.*', auditorToken, 50);
    expect(items.map((item) => item.id)).toEqual(expectedIds((e) => e.orgId === orgA));
    expect(items.every((item) => item.orgId === orgA)).toBe(true);
  });

  it("never shows an auditor another organization's events, not even when it asks for them", async () => {
    const listed = await get(`/v1/admin/audit-events?orgId=${orgB}`, auditorToken);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({ items: [], nextCursor: null });
    const exported = await get(`/v1/admin/audit-events?orgId=${orgB}`, auditorToken, 'application/x-ndjson');
    expect(exported.status).toBe(200);
    expect(await exported.text()).toBe('');
    // A cursor pointing into the other organization's rows changes where the page starts, not what it may show.
    const all = await allPages('action=seed.*', adminToken, 100);
    const fromOther = all.find((item) => item.orgId === orgB)!;
    const cursor = Buffer.from(JSON.stringify([fromOther.occurredAt, fromOther.id])).toString('base64url');
    const page = (await (await get(`/v1/admin/audit-events?action=seed.*&cursor=${cursor}`, auditorToken)).json()) as {
      items: AuditEventView[];
    };
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((item) => item.orgId === orgA)).toBe(true);
  });

  it("shows an org admin its own organization's events only, even when it asks for another's", async () => {
    const items = await allPages('action=seed.*', orgAdminToken, 50);
    expect(items.map((item) => item.id)).toEqual(expectedIds((e) => e.orgId === orgA));
    const listed = await get(`/v1/admin/audit-events?orgId=${orgB}`, orgAdminToken);
    expect(await listed.json()).toEqual({ items: [], nextCursor: null });
  });

  it('refuses callers that are neither auditors nor admins, and anonymous ones', async () => {
    expect((await get('/v1/admin/audit-events', consumerToken)).status).toBe(403);
    expect((await fetch(`${gateway.url}/v1/admin/audit-events`)).status).toBe(401);
  });

  it('answers a malformed cursor or limit with a problem naming the parameter', async () => {
    const cursor = await get('/v1/admin/audit-events?cursor=not-a-cursor', adminToken);
    expect(cursor.status).toBe(400);
    expect(cursor.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await cursor.json()).toMatchObject({ errors: [{ pointer: '/cursor' }] });
    const limit = await get('/v1/admin/audit-events?limit=1001', adminToken);
    expect(limit.status).toBe(400);
    expect(await limit.json()).toMatchObject({ errors: [{ pointer: '/limit' }] });
    const sql = await get(`/v1/admin/audit-events?from=${encodeURIComponent("2026-01-01' OR 1=1 --")}`, adminToken);
    expect(sql.status).toBe(400);
  });

  it('lists the failed authentications it audited, by request id', async () => {
    const requestId = `e2e-bad-token-${Date.now()}`;
    const denied = await fetch(`${gateway.url}/v1/admin/audit-events`, {
      headers: { authorization: 'Bearer not-a-token', 'x-request-id': requestId },
    });
    expect(denied.status).toBe(401);
    await gateway.app.get(AuditService).flush();
    const items = await allPages('action=authn.failure&outcome=failure', adminToken, 1000);
    expect(items.filter((item) => item.requestId === requestId)).toHaveLength(1);
  });
});
