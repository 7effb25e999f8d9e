import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { waitForStatus } from '../support/gateway-process';
import { createTestDatabase, dropTestDatabase, testDatabaseUrl } from '../support/postgres';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy';

/** What a readiness answer may never reveal about the database behind it. */
function expectNothingAboutTheDatabase(body: string, proxyPort: number): void {
  const target = new URL(testDatabaseUrl());
  for (const secret of [
    target.hostname,
    'localhost',
    '127.0.0.1',
    String(proxyPort),
    target.port || '5432',
    'ECONNREFUSED',
    'ECONNRESET',
  ]) {
    expect(body).not.toContain(secret);
  }
  expect(body).not.toMatch(/postgres|select|infergate_|timeout|terminated/i);
}

describe('readiness during a PostgreSQL outage', () => {
  it('turns 503 with database down (and nothing leaked) while the connection is cut, liveness stays 200, and recovers', async () => {
    const databaseUrl = await createTestDatabase();
    let proxy: TcpProxy | undefined;
    let gateway: RunningGateway | undefined;
    try {
      const target = new URL(databaseUrl);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      const viaProxy = new URL(databaseUrl);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      gateway = await startGateway({ DATABASE_URL: viaProxy.toString(), DATABASE_CONNECT_TIMEOUT_MS: '2000' });
      const ready = `${gateway.url}/health/ready`;
      const live = `${gateway.url}/health/live`;

      await waitForStatus(ready, 200, 10_000);
      expect(proxy.liveConnections).toBeGreaterThan(0);

      await proxy.cut();
      const cutAt = Date.now();
      await waitForStatus(ready, 503, 5_000);
      expect(Date.now() - cutAt).toBeLessThan(5_000);

      const down = await fetch(ready);
      const downBody = await down.text();
      expect(down.status).toBe(503);
      expect(JSON.parse(downBody)).toEqual({
        status: 'down',
        components: { accepting: 'up', database: 'down', migrations: 'up' },
      });
      expectNothingAboutTheDatabase(downBody, proxy.port);

      const liveness = await fetch(live);
      expect(liveness.status).toBe(200);
      expect(await liveness.json()).toEqual({ status: 'up', components: {} });

      await proxy.restore();
      await waitForStatus(ready, 200, 10_000);
      const up = await fetch(ready);
      expect(up.status).toBe(200);
      expect(await up.json()).toEqual({ status: 'up', components: { accepting: 'up', database: 'up', migrations: 'up' } });
    } finally {
      await gateway?.close();
      await proxy?.close();
      await dropTestDatabase(databaseUrl);
    }
  });
});
