import Redis from 'ioredis';
import { GatewayProcess, startGatewayProcess, waitForStatus } from '../support/gateway-process';
import { createTestDatabase, dropTestDatabase } from '../support/postgres';
import { keysWithTtl, removeKeys, testRedisUrl, uniqueKeyPrefix } from '../support/redis';

const CLIENT_ID = 'it-platform-admin';
const CLIENT_SECRET = 'integration-secret-0123456789abcdef0123456789';
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

async function token(replica: GatewayProcess): Promise<string> {
  const response = await fetch(`${replica.url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=admin',
  });
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

const listOrganizations = (replica: GatewayProcess, accessToken: string) =>
  fetch(`${replica.url}/v1/admin/organizations`, { headers: { authorization: `Bearer ${accessToken}` } });

describe('token revocation across two gateway replicas sharing PostgreSQL and Redis', () => {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true });
  const prefix = uniqueKeyPrefix();
  let databaseUrl: string;
  let replicas: GatewayProcess[] = [];

  beforeAll(async () => {
    await redis.connect();
    databaseUrl = await createTestDatabase();
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      BOOTSTRAP_ADMIN_CLIENT_ID: CLIENT_ID,
      BOOTSTRAP_ADMIN_CLIENT_SECRET: CLIENT_SECRET,
    };
    replicas = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
    await Promise.all(replicas.map((replica) => waitForStatus(`${replica.url}/health/ready`, 200)));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await removeKeys(redis, prefix);
    await redis.quit();
    await dropTestDatabase(databaseUrl);
  });

  it('refuses on replica B, at once, a token revoked on replica A, while another token keeps working', async () => {
    const [a, b] = replicas;
    const revoked = await token(a);
    const kept = await token(b);
    // Both replicas accept both tokens (and B now holds the first in its verified-token cache).
    for (const replica of replicas) {
      expect((await listOrganizations(replica, revoked)).status).toBe(200);
      expect((await listOrganizations(replica, kept)).status).toBe(200);
    }

    const revocation = await fetch(`${a.url}/oauth/revoke`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${revoked}`,
    });
    expect(revocation.status).toBe(200);

    const refused = await listOrganizations(b, revoked);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="infergate", error="invalid_token"');
    expect((await listOrganizations(a, revoked)).status).toBe(401);
    expect((await listOrganizations(b, kept)).status).toBe(200);

    const introspection = await fetch(`${b.url}/oauth/introspect`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${revoked}`,
    });
    expect(await introspection.json()).toEqual({ active: false });
  });

  it('leaves no Redis key without a TTL', async () => {
    const ttls = await keysWithTtl(redis, prefix);
    expect(ttls.size).toBeGreaterThan(0);
    for (const [key, ttl] of ttls) expect([key, ttl > 0]).toEqual([key, true]);
  });
});
