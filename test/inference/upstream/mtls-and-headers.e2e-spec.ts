import { UpstreamError, UpstreamUnavailableError, toProblem } from '../../../libs/inference/src/resilience';
import { TestPki, type TestCertificateAuthority } from '../../support/certificates';
import {
  OIP_ANSWER,
  closedPort,
  createUpstreamHarness,
  failureOf,
  inferRequest,
  startFaultServer,
  versionAt,
  type FaultServer,
  type UpstreamHarness,
} from './support/fault-upstream';

describe('mTLS to the model server', () => {
  let pki: TestPki;
  let ca: TestCertificateAuthority;
  let upstream: FaultServer;
  let harness: UpstreamHarness;

  beforeAll(async () => {
    pki = new TestPki();
    ca = pki.createAuthority('model-server-ca');
    const serverCert = ca.issueServer('model-server', ['IP:127.0.0.1', 'DNS:localhost']);
    upstream = await startFaultServer(
      (req, res) => {
        const socket = req.socket as import('node:tls').TLSSocket;
        res.writeHead(200, { 'content-type': 'application/json', 'x-client-cn': String(socket.getPeerCertificate().subject?.CN) });
        res.end(OIP_ANSWER);
      },
      { cert: serverCert.cert, key: serverCert.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true },
    );
  });

  afterAll(async () => {
    await upstream.close();
    pki.cleanup();
  });

  beforeEach(() => {
    harness = createUpstreamHarness({ totalTimeoutMs: 3_000 });
  });

  afterEach(() => harness.close());

  it('presents the version client certificate and trusts the version CA', async () => {
    const client = ca.issueClient('gateway-client');
    const response = await harness.client.send(
      versionAt(upstream.url, { tls: { caPem: ca.cert, certPem: client.cert, keyPem: client.key } }),
      inferRequest(),
    );
    expect(response.status).toBe(200);
    expect(response.headers['x-client-cn']).toBe('gateway-client');
  });

  it('fails as upstream-unavailable without a client certificate, and the request never reaches the model', async () => {
    const before = upstream.seen.length;
    const { error } = await failureOf(() => harness.client.send(versionAt(upstream.url, { tls: { caPem: ca.cert } }), inferRequest()));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(upstream.seen).toHaveLength(before);
  });

  it('refuses a server certificate from another CA (no trust on first use)', async () => {
    const otherPki = new TestPki();
    try {
      const other = otherPki.createAuthority('other-ca');
      const client = ca.issueClient('gateway-client');
      const { error } = await failureOf(() =>
        harness.client.send(
          versionAt(upstream.url, { tls: { caPem: other.cert, certPem: client.cert, keyPem: client.key } }),
          inferRequest(),
        ),
      );
      expect(error).toMatchObject({ status: 502, reason: 'tls', attempts: 1 });
    } finally {
      otherPki.cleanup();
    }
  });
});

describe('what goes upstream and what comes back', () => {
  let harness: UpstreamHarness;
  const servers: FaultServer[] = [];

  beforeEach(() => {
    harness = createUpstreamHarness({ totalTimeoutMs: 500, maxResponseBytes: 1024 });
  });

  afterEach(async () => {
    await harness.close();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('forwards the request id and a child traceparent, adds endpoint headers, strips the gateway credential', async () => {
    const upstream = await startFaultServer((_req, res) => res.end(OIP_ANSWER));
    servers.push(upstream);
    await harness.client.send(
      versionAt(`${upstream.url}/base/`, { headers: { 'X-Model-Token': 'model-server-secret' } }),
      inferRequest({
        requestId: 'req-abc',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'vendor=1',
        headers: {
          authorization: 'Bearer gateway-access-token',
          'x-api-key': 'igk_gateway_key',
          cookie: 'session=1',
          connection: 'x-secret-hop',
          'x-secret-hop': '1',
          accept: 'application/json',
        },
      }),
    );
    const seen = upstream.seen[0];
    expect(seen.url).toBe('/base/v2/models/iris/infer');
    expect(seen.headers['x-request-id']).toBe('req-abc');
    expect(seen.headers.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-(?!00f067aa0ba902b7)[0-9a-f]{16}-01$/);
    expect(seen.headers.tracestate).toBe('vendor=1');
    expect(seen.headers['x-model-token']).toBe('model-server-secret');
    expect(seen.headers.accept).toBe('application/json');
    for (const stripped of ['authorization', 'x-api-key', 'cookie', 'x-secret-hop']) expect(seen.headers[stripped]).toBeUndefined();
  });

  it('creates a valid traceparent when the client sent none', async () => {
    const upstream = await startFaultServer((_req, res) => res.end(OIP_ANSWER));
    servers.push(upstream);
    await harness.client.send(versionAt(upstream.url), inferRequest());
    expect(upstream.seen[0].headers.traceparent).toMatch(/^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-01$/);
  });

  it('never lets the upstream host or port into a client-visible error, on any failure path', async () => {
    const hanging = await startFaultServer(() => undefined);
    const huge = await startFaultServer((_req, res) => res.end('x'.repeat(4096)));
    const redirect = await startFaultServer((_req, res) => {
      res.writeHead(302, { location: 'http://10.9.9.9:7777/' });
      res.end();
    });
    servers.push(hanging, huge, redirect);
    const refused = await closedPort();
    const errors: UpstreamError[] = [];
    for (const url of [hanging.url, huge.url, redirect.url, `http://127.0.0.1:${refused}`, 'http://no-such-host.invalid:8080']) {
      errors.push((await failureOf(() => harness.client.send(versionAt(url), inferRequest()))).error as unknown as UpstreamError);
    }
    expect(errors.map((error) => error.status)).toEqual([504, 502, 502, 502, 502]);
    const ports = [hanging.port, huge.port, redirect.port, refused].map(String);
    for (const error of errors) {
      const problem = toProblem(error);
      const visible = JSON.stringify({
        message: problem.message,
        detail: problem.detail,
        title: problem.title,
        headers: problem.headers,
        extensions: problem.extensions,
      });
      for (const secret of ['127.0.0.1', 'no-such-host', '10.9.9.9', 'http:', ...ports]) expect(visible).not.toContain(secret);
    }
  });
});
