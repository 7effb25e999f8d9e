import { RunningGateway, startGateway } from './support/in-process-gateway';

describe('gateway with an unreachable PostgreSQL', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    // Port 1 on loopback: nothing listens there, so every connection is refused.
    gateway = await startGateway({ DATABASE_URL: 'postgres://infergate@127.0.0.1:1/infergate', DATABASE_CONNECT_TIMEOUT_MS: '500' });
  });
  afterAll(() => gateway.close());

  it('stays live, reports not ready, and reveals no host, port or driver error', async () => {
    const live = await fetch(`${gateway.url}/health/live`);
    expect(live.status).toBe(200);

    const ready = await fetch(`${gateway.url}/health/ready`);
    expect(ready.status).toBe(503);
    const text = await ready.text();
    expect(JSON.parse(text)).toEqual({ status: 'down', components: { accepting: 'up', database: 'down', migrations: 'down' } });
    expect(text).not.toMatch(/127\.0\.0\.1|:1\b|ECONNREFUSED|postgres|infergate@/i);
  });
});
