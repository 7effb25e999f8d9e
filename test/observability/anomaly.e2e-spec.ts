import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditEventEntity, AuditService } from '@infergate/audit';
import { DatabaseService } from '@infergate/database';
import { GatewayMetrics } from '@infergate/observability';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { createTenant } from '../throttling/support';

const BLOCK_SECONDS = 2;

/**
 * Anomaly detection through the real gateway: enumeration by an authenticated client blocks its
 * principal (the authentication guard refuses it) and not its address; enumeration by an anonymous
 * client blocks its address (refused before anything else runs); both blocks expire; each detection
 * is counted and audited.
 */
describe('anomaly detection (e2e)', () => {
  let gateway: RunningGateway;

  const anomalies = async (detector: string) =>
    (await gateway.app.get(GatewayMetrics).anomalies.get()).values.find((v) => v.labels.detector === detector)?.value ?? 0;
  const audited = async (action: string) => {
    await gateway.app.get(AuditService).flush();
    return gateway.app.get(DatabaseService).repository(AuditEventEntity).findBy({ action });
  };

  beforeAll(async () => {
    gateway = await startGateway({ ANOMALY_DISTINCT_NOT_FOUND_PER_MINUTE: '5', ANOMALY_BLOCK_SECONDS: String(BLOCK_SECONDS) });
  });
  afterAll(() => gateway?.close());

  it('blocks an authenticated client that enumerates ids, by principal, until the block expires', async () => {
    const tenant = await createTenant(gateway.app, { orgName: 'enumerating-org', role: 'org-admin' });
    const headers = { 'x-api-key': tenant.key };
    for (let i = 0; i < 6; i += 1) {
      expect((await fetch(`${gateway.url}/v1/admin/organizations/${randomUUID()}`, { headers })).status).toBe(404);
    }
    const refused = await fetch(`${gateway.url}/v1/admin/organizations/${tenant.orgId}`, { headers });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ status: 429, type: expect.stringMatching(/client-blocked$/) });
    // The address is not blocked: other clients behind it are unaffected.
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);

    expect(await anomalies('enumeration')).toBe(1);
    const [event] = await audited('anomaly.enumeration');
    expect(event).toMatchObject({ outcome: 'denied', actorId: tenant.appId, orgId: tenant.orgId });

    await sleep(BLOCK_SECONDS * 1000 + 100);
    expect((await fetch(`${gateway.url}/v1/admin/organizations/${tenant.orgId}`, { headers })).status).toBe(200);
  });

  it('blocks an anonymous client that enumerates paths, by address, before any route runs, until the block expires', async () => {
    for (let i = 0; i < 5; i += 1) expect((await fetch(`${gateway.url}/wp-admin/probe-${i}.php`)).status).toBe(404);
    // The same missing path again and again is not enumeration.
    for (let i = 0; i < 10; i += 1) expect((await fetch(`${gateway.url}/wp-admin/probe-0.php`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);

    expect((await fetch(`${gateway.url}/wp-admin/probe-5.php`)).status).toBe(404);
    const refused = await fetch(`${gateway.url}/.well-known/jwks.json`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String(BLOCK_SECONDS));
    expect(refused.headers.get('x-request-id')).toBeTruthy();
    expect(await refused.json()).toMatchObject({
      status: 429,
      instance: '/.well-known/jwks.json',
      type: expect.stringMatching(/client-blocked$/),
    });
    // Load-balancer probes still pass: an address shared behind a proxy must not take the replica out.
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
    expect(await anomalies('enumeration')).toBe(2);

    await sleep(BLOCK_SECONDS * 1000 + 100);
    expect((await fetch(`${gateway.url}/.well-known/jwks.json`)).status).toBe(200);
  });
});
