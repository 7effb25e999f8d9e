import Redis from 'ioredis';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayProcess, startGatewayProcess, waitForStatus } from '../support/gateway-process';
import { createTestDatabase, dropTestDatabase } from '../support/postgres';
import { keysWithTtl, removeKeys, testRedisUrl, uniqueKeyPrefix } from '../support/redis';

const CLIENT_ID = 'it-throttling-admin';
const CLIENT_SECRET = 'integration-secret-throttling-0123456789abcdef';
const BURST = 41;
const REQUESTS = 500;
const ROUNDS = 10;
/** The gateway with the throttling wiring; apps/gateway/src/main.ts once the app module carries it. */

const PLANS = `
defaultPlan: roomy
plans:
  roomy:
    rateLimits:
      application: { rate: 10000, per: second, burst: 100000 }
  herd:
    rateLimits:
      application: { rate: 0.001, per: second, burst: ${BURST} }
    quotas:
      application: { day: 1000000 }
    concurrency:
      organization: 100000
organizations:
  herd-org: herd
`;

describe('exact admission across three gateway replicas sharing Redis (over-admission)', () => {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true });
  const prefix = uniqueKeyPrefix();
  const plansDir = mkdtempSync(join(tmpdir(), 'infergate-plans-'));
  let databaseUrl: string;
  let replicas: GatewayProcess[] = [];
  let accessToken: string;

  const admin = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${replicas[0].url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    writeFileSync(join(plansDir, 'plans.yaml'), PLANS);
    await redis.connect();
    databaseUrl = await createTestDatabase();
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      PLANS_DIR: plansDir,
      PREAUTH_RATE_PER_SECOND: '1000000',
      PREAUTH_BURST: '1000000',
      BOOTSTRAP_ADMIN_CLIENT_ID: CLIENT_ID,
      BOOTSTRAP_ADMIN_CLIENT_SECRET: CLIENT_SECRET,
    };
    // The first replica migrates the database; the others start once it is ready.
    const first = await startGatewayProcess(env);
    await waitForStatus(`${first.url}/health/ready`, 200);
    replicas = [first, ...(await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]))];
    await Promise.all(replicas.map((replica) => waitForStatus(`${replica.url}/health/ready`, 200)));

    const token = await fetch(`${first.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=admin',
    });
    if (token.status !== 200) throw new Error(`token endpoint answered ${token.status}: ${await token.text()}`);
    accessToken = ((await token.json()) as { access_token: string }).access_token;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await removeKeys(redis, prefix);
    await redis.quit();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    rmSync(plansDir, { recursive: true, force: true });
  });

  it(`admits exactly ${BURST} of ${REQUESTS} concurrent requests spread over the replicas, ${ROUNDS} times over`, async () => {
    const org = await admin('/v1/admin/organizations', { name: 'herd-org' });
    for (let round = 0; round < ROUNDS; round += 1) {
      // A fresh application per round: a fresh, full bucket.
      const app = await admin(`/v1/admin/organizations/${String(org.id)}/applications`, {
        name: `herd-${round}`,
        allowedScopes: ['infer'],
      });
      const key = await admin(`/v1/admin/organizations/${String(org.id)}/applications/${String(app.id)}/api-keys`, {
        name: 'k',
        scopes: ['infer'],
      });
      const responses = await Promise.all(
        Array.from({ length: REQUESTS }, async (_, i) => {
          const response = await fetch(`${replicas[i % replicas.length].url}/v1/usage`, { headers: { 'x-api-key': String(key.key) } });
          await response.arrayBuffer();
          return { status: response.status, retryAfter: response.headers.get('retry-after'), rateLimit: response.headers.get('ratelimit') };
        }),
      );
      const statuses = new Map<number, number>();
      for (const r of responses) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      // Every status is counted, so that a 503 (store timeout) shows up as what it is.
      expect([round, Object.fromEntries(statuses)]).toEqual([round, { 200: BURST, 429: REQUESTS - BURST }]);
      for (const refusal of responses.filter((r) => r.status === 429)) {
        expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(refusal.rateLimit).toMatch(/^"application";r=0;t=\d+$/);
      }
    }
  }, 300_000);

  it('leaves every limiter key in Redis with a TTL', async () => {
    const ttls = await keysWithTtl(redis, prefix);
    expect(ttls.size).toBeGreaterThan(0);
    for (const [key, ttl] of ttls) expect([key, ttl > 0]).toEqual([key, true]);
  });
});
