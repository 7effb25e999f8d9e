import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway } from '../support/in-process-gateway';
import { waitForStatus } from '../support/gateway-process';

/** The Redis server the suite runs against; never skipped, like TEST_DATABASE_URL. */
function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url)
    throw new Error('TEST_REDIS_URL is not set: the integration suite needs a Redis server, e.g. TEST_REDIS_URL=redis://127.0.0.1:6379');
  return url;
}

// The database is the embedded SQLite file of each gateway, so that Redis alone decides readiness.
describe('readiness with Redis configured', () => {
  it('is 200 with redis up when Redis answers', async () => {
    const gateway = await startGateway({ REDIS_URL: testRedisUrl() });
    try {
      await waitForStatus(`${gateway.url}/health/ready`, 200, 10_000);
      const response = await fetch(`${gateway.url}/health/ready`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: 'up',
        components: { accepting: 'up', database: 'up', migrations: 'up', redis: 'up' },
      });
    } finally {
      await gateway.close();
    }
  });

  it('is 503 with redis down, and liveness 200, when nothing listens at REDIS_URL', async () => {
    const gateway = await startGateway({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      // Long enough for several failed connection attempts: the answer is not merely "still connecting".
      await sleep(1_000);
      for (let probe = 0; probe < 3; probe += 1) {
        const response = await fetch(`${gateway.url}/health/ready`);
        const body = await response.text();
        expect(response.status).toBe(503);
        expect(JSON.parse(body)).toEqual({
          status: 'down',
          components: { accepting: 'up', database: 'up', migrations: 'up', redis: 'down' },
        });
        expect(body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|redis:\/\//i);
        await sleep(200);
      }

      const live = await fetch(`${gateway.url}/health/live`);
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: 'up', components: {} });
    } finally {
      await gateway.close();
    }
  });
});
