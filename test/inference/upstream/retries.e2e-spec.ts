import { UpstreamTimeoutError, UpstreamUnavailableError } from '../../../libs/inference/src/resilience';
import { TestPki } from '../../support/certificates';
import {
  OIP_ANSWER,
  closedPort,
  createUpstreamHarness,
  failureOf,
  inferRequest,
  startFaultServer,
  startTcpServer,
  versionAt,
  type FaultServer,
  type UpstreamHarness,
} from './support/fault-upstream';

/** Retries only where safe, with backoff and Retry-After, all inside the total deadline. */
describe('upstream retries', () => {
  let harness: UpstreamHarness;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(() => {
    harness = createUpstreamHarness({ totalTimeoutMs: 3_000 });
  });

  afterEach(async () => {
    await harness.close();
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });

  async function server(handler: Parameters<typeof startFaultServer>[0]): Promise<FaultServer> {
    const started = await startFaultServer(handler);
    cleanups.push(() => started.close());
    return started;
  }

  it('retries a refused connection (nothing was sent) up to maxRetries, then UpstreamUnavailableError', async () => {
    const port = await closedPort();
    const { error, elapsedMs } = await failureOf(() => harness.client.send(versionAt(`http://127.0.0.1:${port}`), inferRequest()));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ status: 502, type: 'urn:infergate:problem:upstream-unavailable', reason: 'refused', attempts: 3 });
    expect(elapsedMs).toBeLessThan(500);
  });

  it('retries a non-idempotent request whose connection closed before the request was written (counted on the server)', async () => {
    // TLS to a TCP server that resets every connection at once: the handshake fails, so undici never writes the request.
    const pki = new TestPki();
    cleanups.push(() => Promise.resolve(pki.cleanup()));
    const ca = pki.createAuthority('retry-ca');
    const resetting = await startTcpServer((socket) => socket.resetAndDestroy());
    cleanups.push(() => resetting.close());
    const version = versionAt(`https://127.0.0.1:${resetting.port}`, { tls: { caPem: ca.cert } });
    const { error } = await failureOf(() => harness.client.send(version, inferRequest({ idempotent: false })));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.attempts).toBe(3);
    expect(resetting.connections()).toBe(3);
  });

  it('does not retry a non-idempotent request once it was written (the model may have run it)', async () => {
    const resetting = await startTcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    cleanups.push(() => resetting.close());
    const { error } = await failureOf(() =>
      harness.client.send(versionAt(`http://127.0.0.1:${resetting.port}`), inferRequest({ idempotent: false })),
    );
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.attempts).toBe(1);
    expect(resetting.connections()).toBe(1);
  });

  it('retries the same reset for an idempotent request (Idempotency-Key), at most twice', async () => {
    const resetting = await startTcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    cleanups.push(() => resetting.close());
    const { error } = await failureOf(() =>
      harness.client.send(versionAt(`http://127.0.0.1:${resetting.port}`), inferRequest({ idempotent: true })),
    );
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.attempts).toBe(3);
    expect(resetting.connections()).toBe(3);
  });

  it('retries 502/503/504 only for idempotent requests', async () => {
    const flaky = await server((_req, res, hit) => {
      res.statusCode = hit <= 2 ? 502 + hit : 200;
      res.end(hit <= 2 ? 'upstream stack trace' : OIP_ANSWER);
    });
    const plain = await harness.client.send(versionAt(flaky.url), inferRequest());
    expect(plain).toMatchObject({ status: 503, attempts: 1 });

    const idempotent = await harness.client.send(versionAt(flaky.url), inferRequest({ idempotent: true }));
    expect(idempotent).toMatchObject({ status: 200, attempts: 2 });
    expect(flaky.seen).toHaveLength(3);
  });

  it('honours an upstream Retry-After that fits in the deadline', async () => {
    const busy = await server((_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(503, { 'retry-after': '1' });
        res.end();
      } else {
        res.end(OIP_ANSWER);
      }
    });
    const started = performance.now();
    const response = await harness.client.send(versionAt(busy.url), inferRequest({ idempotent: true }));
    const elapsedMs = performance.now() - started;
    expect(response).toMatchObject({ status: 200, attempts: 2 });
    expect(elapsedMs).toBeGreaterThanOrEqual(990);
    expect(elapsedMs).toBeLessThan(1_500);
  });

  it('honours a 429 Retry-After given as an HTTP-date', async () => {
    const busy = await server((_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(429, { 'retry-after': new Date(Date.now() + 2_000).toUTCString() });
        res.end();
      } else {
        res.end(OIP_ANSWER);
      }
    });
    const started = performance.now();
    const response = await harness.client.send(versionAt(busy.url), inferRequest({ idempotent: true }));
    expect(response).toMatchObject({ status: 200, attempts: 2 });
    // an HTTP-date has whole seconds: the wait is between 1 and 2 s
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('gives up at once when Retry-After does not fit in the remaining deadline', async () => {
    const busy = await server((_req, res) => {
      res.writeHead(503, { 'retry-after': '30' });
      res.end();
    });
    const started = performance.now();
    const response = await harness.client.send(versionAt(busy.url), inferRequest({ idempotent: true }));
    expect(response).toMatchObject({ status: 503, attempts: 1 });
    expect(response.headers['retry-after']).toBe('30');
    expect(performance.now() - started).toBeLessThan(200);
    expect(busy.seen).toHaveLength(1);
  });

  it('does not retry a first-byte timeout of a non-idempotent request', async () => {
    const hanging = await server(() => undefined);
    const { error } = await failureOf(() =>
      harness.client.send(versionAt(hanging.url, { timeouts: { firstByteMs: 100 } }), inferRequest({ idempotent: false })),
    );
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(hanging.seen).toHaveLength(1);
  });
});
