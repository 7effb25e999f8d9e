import { GatewayProcess, startGatewayProcess, waitForStatus } from './support/gateway-process';

const IN_FLIGHT = 50;
const SLOW_MS = 1500;

describe('graceful shutdown on SIGTERM', () => {
  let gateway: GatewayProcess;

  beforeAll(async () => {
    gateway = await startGatewayProcess({ SHUTDOWN_GRACE_MS: '20000' }, 'test/support/slow-gateway.ts');
  });
  afterAll(async () => {
    if (gateway.child.exitCode === null) await gateway.stop();
  });

  it(`lets ${IN_FLIGHT} in-flight requests finish, answers ready 503 meanwhile, and exits 0`, async () => {
    // Listening comes before the database is connected and migrated; wait for readiness first.
    await waitForStatus(`${gateway.url}/health/ready`, 200);

    const started = Date.now();
    const slow = Array.from({ length: IN_FLIGHT }, () =>
      fetch(`${gateway.url}/probe/slow?ms=${SLOW_MS}`).then(async (r) => ({ status: r.status, body: await r.json() })),
    );
    // Let every request reach the handler before the signal.
    await new Promise((r) => setTimeout(r, 400));
    gateway.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));

    const whileDraining = await fetch(`${gateway.url}/health/ready`);
    expect(whileDraining.status).toBe(503);
    expect(await whileDraining.json()).toMatchObject({ status: 'down', components: { accepting: 'down' } });
    expect(gateway.child.exitCode).toBeNull();

    const results = await Promise.all(slow);
    expect(results).toHaveLength(IN_FLIGHT);
    for (const result of results) expect(result).toEqual({ status: 200, body: { ok: true } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS);

    expect(await gateway.exited).toBe(0);
    const events = gateway.logs.map((l) => l.event);
    expect(events).toEqual(expect.arrayContaining(['shutdown.draining', 'shutdown.closed']));
    expect(events).not.toContain('shutdown.grace_expired');
  });
});
