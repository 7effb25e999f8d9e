import { setTimeout as sleep } from 'node:timers/promises';
import { BulkheadFullError, CircuitOpenError } from '../../../libs/inference/src/resilience';
import {
  OIP_ANSWER,
  createUpstreamHarness,
  failureOf,
  inferRequest,
  startFaultServer,
  versionAt,
  type FaultServer,
  type UpstreamHarness,
} from './support/fault-upstream';

async function gauge(harness: UpstreamHarness, name: 'circuitState' | 'upstreamInFlight', upstream: string): Promise<number | undefined> {
  const { values } = await harness.metrics[name].get();
  return values.find((value) => value.labels.upstream === upstream)?.value;
}

describe('circuit breaker per upstream origin', () => {
  let harness: UpstreamHarness;
  const servers: FaultServer[] = [];

  beforeEach(() => {
    harness = createUpstreamHarness({ totalTimeoutMs: 2_000 });
  });

  afterEach(async () => {
    await harness.close();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('opens after a 5xx burst, fails fast with zero upstream calls, then recovers through half-open probes', async () => {
    let failing = true;
    const upstream = await startFaultServer((_req, res) => {
      res.statusCode = failing ? 500 : 200;
      res.end(failing ? 'boom' : OIP_ANSWER);
    });
    servers.push(upstream);
    const version = versionAt(upstream.url);

    for (let i = 0; i < 3; i += 1) expect((await harness.client.send(version, inferRequest())).status).toBe(500);
    expect(await gauge(harness, 'circuitState', upstream.url)).toBe(2);

    const started = performance.now();
    const { error } = await failureOf(() => harness.client.send(version, inferRequest({ idempotent: true })));
    expect(performance.now() - started).toBeLessThan(20);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({ status: 503, type: 'urn:infergate:problem:circuit-open', headers: { 'Retry-After': '1' } });
    expect(upstream.seen).toHaveLength(3);

    failing = false;
    await sleep(550);
    expect(harness.guards.for(upstream.url).breaker.state).toBe('half-open');
    expect(await gauge(harness, 'circuitState', upstream.url)).toBe(1);
    expect((await harness.client.send(version, inferRequest())).status).toBe(200);
    expect(harness.guards.for(upstream.url).breaker.state).toBe('half-open');
    expect((await harness.client.send(version, inferRequest())).status).toBe(200);
    expect(harness.guards.for(upstream.url).breaker.state).toBe('closed');
    expect(await gauge(harness, 'circuitState', upstream.url)).toBe(0);
    expect(upstream.seen).toHaveLength(5);
  });

  it('lets only the probe budget through in half-open, and reopens on a failed probe', async () => {
    let mode: 'fail' | 'hang' = 'fail';
    const upstream = await startFaultServer((_req, res) => {
      if (mode === 'fail') {
        res.statusCode = 503;
        res.end();
      } else {
        setTimeout(() => {
          res.statusCode = 500;
          res.end();
        }, 200);
      }
    });
    servers.push(upstream);
    const version = versionAt(upstream.url);
    for (let i = 0; i < 3; i += 1) await harness.client.send(version, inferRequest());
    await sleep(550);
    mode = 'hang';

    const probes = [harness.client.send(version, inferRequest()), harness.client.send(version, inferRequest())];
    await sleep(20);
    const { error } = await failureOf(() => harness.client.send(version, inferRequest()));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(upstream.seen).toHaveLength(5);
    await Promise.all(probes);
    expect(harness.guards.for(upstream.url).breaker.state).toBe('open');
    await expect(harness.client.send(version, inferRequest())).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('does not count 4xx answers as failures', async () => {
    const upstream = await startFaultServer((_req, res) => {
      res.statusCode = 400;
      res.end('{"error":"bad input"}');
    });
    servers.push(upstream);
    for (let i = 0; i < 6; i += 1) expect((await harness.client.send(versionAt(upstream.url), inferRequest())).status).toBe(400);
    expect(harness.guards.for(upstream.url).breaker.state).toBe('closed');
  });

  it('counts connection failures and keeps other origins closed', async () => {
    const healthy = await startFaultServer((_req, res) => res.end(OIP_ANSWER));
    servers.push(healthy);
    const dead = await startFaultServer(() => undefined);
    servers.push(dead);
    await dead.close();
    for (let i = 0; i < 3; i += 1) await failureOf(() => harness.client.send(versionAt(dead.url), inferRequest()));
    expect(harness.guards.for(dead.url).breaker.state).toBe('open');
    expect((await harness.client.send(versionAt(healthy.url), inferRequest())).status).toBe(200);
  });
});

describe('bulkhead per upstream origin', () => {
  let harness: UpstreamHarness;
  const servers: FaultServer[] = [];

  beforeEach(() => {
    harness = createUpstreamHarness({ totalTimeoutMs: 1_000, maxInFlightPerUpstream: 3 });
  });

  afterEach(async () => {
    await harness.close();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('refuses the N+1-th concurrent call at once while N hang, without touching the upstream; other upstreams stay served', async () => {
    const slow = await startFaultServer(() => undefined);
    const healthy = await startFaultServer((_req, res) => res.end(OIP_ANSWER));
    servers.push(slow, healthy);
    const slowVersion = versionAt(slow.url, { maxInFlight: 2 });

    const hanging = [harness.client.send(slowVersion, inferRequest()), harness.client.send(slowVersion, inferRequest())].map((call) =>
      call.catch((error: unknown) => error),
    );
    await sleep(30);
    expect(await gauge(harness, 'upstreamInFlight', slow.url)).toBe(2);

    const started = performance.now();
    const { error } = await failureOf(() => harness.client.send(slowVersion, inferRequest()));
    expect(performance.now() - started).toBeLessThan(20);
    expect(error).toBeInstanceOf(BulkheadFullError);
    expect(error).toMatchObject({ status: 503, type: 'urn:infergate:problem:upstream-busy', headers: { 'Retry-After': '1' } });
    expect(slow.seen).toHaveLength(2);

    const healthyStarted = performance.now();
    expect((await harness.client.send(versionAt(healthy.url), inferRequest())).status).toBe(200);
    expect(performance.now() - healthyStarted).toBeLessThan(100);

    await Promise.all(hanging);
    expect(await gauge(harness, 'upstreamInFlight', slow.url)).toBe(0);
    // slots are free again once the hanging calls ended (at their deadline)
    await expect(harness.client.send(slowVersion, inferRequest())).rejects.not.toBeInstanceOf(BulkheadFullError);
  });

  it('uses the configured default when the version sets no limit', async () => {
    const slow = await startFaultServer(() => undefined);
    servers.push(slow);
    const calls = [1, 2, 3].map(() => harness.client.send(versionAt(slow.url), inferRequest()).catch((error: unknown) => error));
    await sleep(30);
    await expect(harness.client.send(versionAt(slow.url), inferRequest())).rejects.toBeInstanceOf(BulkheadFullError);
    await Promise.all(calls);
  });
});
