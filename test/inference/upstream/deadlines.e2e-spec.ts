import {
  UpstreamCallAbortedError,
  UpstreamMalformedError,
  UpstreamResponseTooLargeError,
  UpstreamTimeoutError,
} from '../../../libs/inference/src/resilience';
import { Cancellation } from '../../../libs/inference/src/upstream/cancellation';
import { CLIENT_WENT_AWAY } from '../../../libs/inference/src/upstream/upstream-error-classifier';
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

/** Fault tests against real HTTP servers on 127.0.0.1: deadlines, size caps and redirects. */
describe('upstream deadlines and answer limits', () => {
  let harness: UpstreamHarness;
  const servers: FaultServer[] = [];

  beforeEach(() => {
    harness = createUpstreamHarness();
  });

  afterEach(async () => {
    await harness.close();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function server(handler: Parameters<typeof startFaultServer>[0]): Promise<FaultServer> {
    const started = await startFaultServer(handler);
    servers.push(started);
    return started;
  }

  it('answers a hanging upstream with UpstreamTimeoutError at the total deadline (±10%), one attempt', async () => {
    const hanging = await server(() => undefined);
    const { error, elapsedMs, timerLagMs } = await failureOf(() => harness.client.send(versionAt(hanging.url), inferRequest()));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ status: 504, reason: 'total-deadline', attempts: 1 });
    expect(elapsedMs).toBeGreaterThanOrEqual(540);
    expect(elapsedMs).toBeLessThanOrEqual(660 + timerLagMs);
    expect(hanging.seen).toHaveLength(1);
  });

  it('cancels a waiting call when the client goes away: aborted at once, the upstream connection closed, no retry', async () => {
    const hanging = await server(() => undefined);
    const clientGone = new Cancellation();
    const upstreamClosed = hanging.nextEarlyClose();
    setTimeout(() => clientGone.abort(CLIENT_WENT_AWAY), 100);
    const { error, elapsedMs } = await failureOf(() =>
      harness.client.send(versionAt(hanging.url), inferRequest({ clientGone, idempotent: true })),
    );
    await upstreamClosed;
    expect(error).toBeInstanceOf(UpstreamCallAbortedError);
    expect(error).toMatchObject({ attempts: 1 });
    expect(elapsedMs).toBeLessThan(400);
    expect(hanging.seen).toHaveLength(1);
    expect(harness.guards.for(hanging.url).bulkhead.active).toBe(0);
  });

  it('refuses a call whose client has already gone, without touching the upstream', async () => {
    const upstream = await server((_req, res) => res.end(OIP_ANSWER));
    const clientGone = new Cancellation();
    clientGone.abort(CLIENT_WENT_AWAY);
    const { error } = await failureOf(() => harness.client.send(versionAt(upstream.url), inferRequest({ clientGone })));
    expect(error).toBeInstanceOf(UpstreamCallAbortedError);
    expect(upstream.seen).toHaveLength(0);
  });

  it('keeps the total deadline for idempotent requests too: retries never extend it', async () => {
    const hanging = await server(() => undefined);
    const version = versionAt(hanging.url, { timeouts: { firstByteMs: 250, totalMs: 800 } });
    const { error, elapsedMs, timerLagMs } = await failureOf(() => harness.client.send(version, inferRequest({ idempotent: true })));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(elapsedMs).toBeGreaterThanOrEqual(720);
    expect(elapsedMs).toBeLessThanOrEqual(880 + timerLagMs);
    // first-byte timeouts at ~250 ms are retried (idempotent), the deadline cuts the third
    expect(hanging.seen.length).toBeGreaterThanOrEqual(2);
    expect(hanging.seen.length).toBeLessThanOrEqual(3);
  });

  it('uses the version timeouts over the defaults: first byte', async () => {
    const hanging = await server(() => undefined);
    const version = versionAt(hanging.url, { timeouts: { firstByteMs: 150, totalMs: 5_000 } });
    const { error, elapsedMs } = await failureOf(() => harness.client.send(version, inferRequest()));
    expect(error).toMatchObject({ status: 504, reason: 'first-byte-timeout', attempts: 1 });
    expect(elapsedMs).toBeGreaterThanOrEqual(135);
    expect(elapsedMs).toBeLessThan(300);
  });

  it('cuts a slow-drip body at the total deadline', async () => {
    const drip = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 40);
      res.on('close', () => clearInterval(timer));
    });
    const { error, elapsedMs, timerLagMs } = await failureOf(() => harness.client.send(versionAt(drip.url), inferRequest()));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(elapsedMs).toBeGreaterThanOrEqual(540);
    expect(elapsedMs).toBeLessThanOrEqual(660 + timerLagMs);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(drip.closedEarly).toBe(1);
  });

  it('refuses a huge body without reading it all (the upstream connection is cut)', async () => {
    let written = 0;
    const huge = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = (): void => {
        while (written < 200 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    const { error } = await failureOf(() => harness.client.send(versionAt(huge.url, { timeouts: { totalMs: 10_000 } }), inferRequest()));
    expect(error).toBeInstanceOf(UpstreamResponseTooLargeError);
    expect(error.status).toBe(502);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(huge.closedEarly).toBe(1);
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    const declared = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
      res.write('{');
    });
    const { error, elapsedMs } = await failureOf(() => harness.client.send(versionAt(declared.url), inferRequest()));
    expect(error).toBeInstanceOf(UpstreamResponseTooLargeError);
    expect(elapsedMs).toBeLessThan(300);
  });

  it('treats a redirect as a bad answer and never follows Location', async () => {
    const target = await server((_req, res) => res.end(OIP_ANSWER));
    const redirecting = await server((_req, res) => {
      res.writeHead(307, { location: `${target.url}/v2/models/iris/infer` });
      res.end('moved');
    });
    const { error } = await failureOf(() => harness.client.send(versionAt(redirecting.url), inferRequest({ idempotent: true })));
    expect(error).toBeInstanceOf(UpstreamMalformedError);
    expect(error).toMatchObject({ status: 502, type: 'urn:infergate:problem:bad-upstream-response', reason: 'redirect' });
    expect(redirecting.seen).toHaveLength(1);
    expect(target.seen).toHaveLength(0);
  });

  it('returns a healthy answer with its status, filtered headers and body', async () => {
    const healthy = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', server: 'triton', 'set-cookie': 'a=1' });
      res.end(OIP_ANSWER);
    });
    const response = await harness.client.send(versionAt(`${healthy.url}/`), inferRequest());
    expect(response).toMatchObject({ status: 200, attempts: 1 });
    expect(response.body.toString()).toBe(OIP_ANSWER);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers.server).toBeUndefined();
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(healthy.seen[0].url).toBe('/v2/models/iris/infer');
  });
});
