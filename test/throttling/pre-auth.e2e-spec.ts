import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { writePlansDir } from './support';

const BURST = 5;

/** Requests with a bogus credential: each would cost a key lookup and hash if it got that far. */
const probe = (gateway: RunningGateway, forwardedFor?: string) =>
  fetch(`${gateway.url}/v1/usage`, {
    headers: { 'x-api-key': 'ig_00000000000000000000000000000000_bogus', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
  });

async function exhaust(gateway: RunningGateway, forwardedFor?: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < BURST + 3; i += 1) statuses.push((await probe(gateway, forwardedFor)).status);
  return statuses;
}

describe('pre-authentication per-IP limiter (e2e)', () => {
  const plansDir = writePlansDir('defaultPlan: open\nplans:\n  open: {}\n');
  const start = (trustedProxyCidrs: string) =>
    startGateway({
      MASTER_KEY: randomBytes(32).toString('base64'),
      PLANS_DIR: plansDir,
      PREAUTH_RATE_PER_SECOND: '1',
      PREAUTH_BURST: String(BURST),
      FAILED_AUTH_SLOW_AFTER: '100000',
      FAILED_AUTH_BLOCK_AFTER: '100000',
      TRUSTED_PROXY_CIDRS: trustedProxyCidrs,
    });
  afterAll(() => rmSync(plansDir, { recursive: true, force: true }));

  describe('from an untrusted address', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await start('10.255.0.0/16');
    });
    afterAll(() => gateway.close());

    it('limits floods of bad credentials with 429 problem+json, whatever X-Forwarded-For says', async () => {
      const statuses = await exhaust(gateway);
      expect(statuses.slice(0, BURST)).toEqual(Array<number>(BURST).fill(401));
      expect(statuses.slice(BURST + 1)).toEqual([429, 429]);

      const refused = await probe(gateway);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.headers.get('ratelimit-policy')).toBe(`"pre-auth";q=${BURST};w=${BURST}`);
      expect(refused.headers.get('x-request-id')).toBeTruthy();
      expect(await refused.json()).toMatchObject({ type: 'urn:infergate:problem:rate-limited', status: 429 });

      for (const spoofed of ['198.51.100.1', '198.51.100.2, 203.0.113.9', '2001:db8::1']) {
        expect([spoofed, (await probe(gateway, spoofed)).status]).toEqual([spoofed, 429]);
      }
    });

    it('never limits the health probes', async () => {
      expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
    });
  });

  describe('from a trusted proxy', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await start('127.0.0.1/32,::1/128');
    });
    afterAll(() => gateway.close());

    it('buckets by the forwarded client address', async () => {
      const direct = await exhaust(gateway);
      expect(direct.slice(-2)).toEqual([429, 429]);
      // Another client behind the proxy has its own bucket…
      expect((await probe(gateway, '198.51.100.7')).status).toBe(401);
      // …which it can exhaust too, without affecting a third.
      const forwarded = await exhaust(gateway, '198.51.100.8');
      expect(forwarded.slice(0, BURST)).toEqual(Array<number>(BURST).fill(401));
      expect(forwarded.slice(-2)).toEqual([429, 429]);
      expect((await probe(gateway, '198.51.100.9')).status).toBe(401);
    });
  });
});
