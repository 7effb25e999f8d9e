import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTracingActive } from '@infergate/observability';
import { BOOTSTRAP_APPLICATION_ID } from '@infergate/identity';
import { issueToken } from '../authorization/support/principals';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import { RunningGateway, startGateway } from '../support/in-process-gateway';
import { createTenant } from '../throttling/support';

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}

const SERVER = 2;
const INCOMING_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING_PARENT = '00f067aa0ba902b7';
const ADMIN_SECRET = 'tracing-admin-secret-0123456789abcdef0123456789';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A minimal OTLP/HTTP receiver on 127.0.0.1: collects the JSON bodies POSTed to /v1/traces. */
async function otlpReceiver(): Promise<{ server: Server; url: string; spans: () => ExportedSpan[]; contentTypes: string[] }> {
  const bodies: string[] = [];
  const contentTypes: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') {
        bodies.push(body);
        contentTypes.push(String(request.headers['content-type']));
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const spans = (): ExportedSpan[] =>
    bodies.flatMap((body) =>
      (JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: ExportedSpan[] }[] }[] }).resourceSpans.flatMap((r) =>
        r.scopeSpans.flatMap((s) => s.spans),
      ),
    );
  return { server, url: `http://127.0.0.1:${port}`, spans, contentTypes };
}

describe('tracing (e2e)', () => {
  /**
   * A separate OS process: the OTLP/HTTP exporter loads node:http with a dynamic import(), which Jest's
   * module sandbox refuses. Its structured logs are checked on the way (trace id, principal, org).
   */
  describe('with an OTLP endpoint', () => {
    let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
    let gateway: GatewayProcess;
    let token: string;

    beforeAll(async () => {
      receiver = await otlpReceiver();
      gateway = await startGatewayProcess({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'infergate-e2e',
        BOOTSTRAP_ADMIN_CLIENT_ID: 'tracing-admin',
        BOOTSTRAP_ADMIN_CLIENT_SECRET: ADMIN_SECRET,
      });
      token = await issueToken(gateway.url, 'tracing-admin', ADMIN_SECRET, ['admin']);
      const traced = await fetch(`${gateway.url}/v1/admin/organizations`, {
        headers: { authorization: `Bearer ${token}`, traceparent: `00-${INCOMING_TRACE}-${INCOMING_PARENT}-01` },
      });
      // A request without a traceparent starts a trace of its own.
      const untraced = await fetch(`${gateway.url}/v1/admin/organizations`, { headers: { authorization: `Bearer ${token}` } });
      const exitCode = await gateway.stop(); // draining shuts the provider down, which flushes the batch
      const diagnostics = `statuses ${traced.status}/${untraced.status}, exit ${exitCode}, stderr: ${gateway.stderr.join('').slice(0, 2000)}`;
      if (traced.status !== 200 || untraced.status !== 200 || exitCode !== 0) throw new Error(diagnostics);
    }, 120_000);
    afterAll(async () => {
      await gateway?.stop();
      await new Promise<void>((resolve) => receiver?.server.close(() => resolve()));
    });

    it('exports a server span per request continuing the incoming traceparent, with authentication, authorization and rate limiting as children', () => {
      expect(receiver.contentTypes[0]).toMatch(/^application\/json/);
      const spans = receiver.spans();
      const servers = spans.filter((s) => s.name === 'GET /v1/admin/organizations' && s.kind === SERVER);
      expect(servers).toHaveLength(2);
      const continued = servers.find((s) => s.traceId === INCOMING_TRACE)!;
      expect(continued).toBeDefined();
      expect(continued.parentSpanId).toBe(INCOMING_PARENT);
      const fresh = servers.find((s) => s !== continued)!;
      expect(fresh.traceId).not.toBe(INCOMING_TRACE);
      expect(fresh.parentSpanId ?? '').toBe('');

      const children = spans.filter((s) => s.parentSpanId === continued.spanId);
      expect(children.map((s) => s.name).sort()).toEqual(['authenticate', 'authorize', 'rate_limit']);
      for (const child of children) expect(child.traceId).toBe(INCOMING_TRACE);
    });

    it('logs the trace id, principal id and organization of a request, and never its credential', () => {
      const completed = gateway.logs.filter((line) => (line.req as { url?: string } | undefined)?.url === '/v1/admin/organizations');
      expect(completed).toHaveLength(2);
      const traced = completed.find((line) => line.traceId === INCOMING_TRACE)!;
      expect(traced).toMatchObject({ principalId: BOOTSTRAP_APPLICATION_ID, orgId: expect.stringMatching(UUID) });
      expect(typeof completed.find((line) => line !== traced)!.traceId).toBe('string');
      const everything = JSON.stringify(gateway.logs);
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(ADMIN_SECRET);
    });
  });

  describe('without an OTLP endpoint', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await startGateway();
    });
    afterAll(() => gateway?.close());

    it('registers no tracer provider: the API stays on its no-op tracer', async () => {
      expect(isTracingActive()).toBe(false);
      const tenant = await createTenant(gateway.app, { orgName: 'untraced-org' });
      const response = await fetch(`${gateway.url}/v1/usage`, {
        headers: { 'x-api-key': tenant.key, traceparent: `00-${INCOMING_TRACE}-${INCOMING_PARENT}-01` },
      });
      expect(response.status).toBe(200);
      expect(isTracingActive()).toBe(false);
      const provider = trace.getTracerProvider();
      expect(provider).toBeInstanceOf(ProxyTracerProvider);
      expect((provider as ProxyTracerProvider).getDelegate().constructor.name).toBe('NoopTracerProvider');
      expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    });
  });
});
