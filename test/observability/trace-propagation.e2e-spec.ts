import { Global, Module } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OrganizationsService, SYSTEM_PRINCIPAL } from '@infergate/identity';
import { SPAN_NAMES, SPAN_PROCESSOR, isTracingActive } from '@infergate/observability';
import { callerWithRole, type TestCaller } from '../authorization/support/principals';
import { startKserveServer, type TestModelServer } from '../inference/support/model-servers';
import { registerAndPromote } from '../inference/support/registry-client';
import { RunningGateway, startGateway } from '../support/in-process-gateway';

/**
 * Tracing that joins up, through the real gateway and a real model server on 127.0.0.1: one trace
 * from the client's traceparent through the server span, the pipeline's spans (SPAN_NAMES) and the
 * upstream CLIENT span, whose context is the traceparent the model server receives. Spans are read from an
 * in-memory exporter given through SPAN_PROCESSOR (no OTLP process needed).
 */
const INCOMING_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING_PARENT = '00f067aa0ba902b7';
const INCOMING = `00-${INCOMING_TRACE}-${INCOMING_PARENT}-01`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const SCALAR = { features: [{ name: 'x', type: 'number' }], maxBatch: 10 };
const INFER_ROUTE = '/v1/models/scorer/infer';

interface Setup {
  gateway: RunningGateway;
  server: TestModelServer;
  consumer: TestCaller;
}

async function gatewayWithModel(imports: Parameters<typeof startGateway>[1]): Promise<Setup> {
  const server = await startKserveServer('scorer');
  const gateway = await startGateway(
    {
      UPSTREAM_ALLOWLIST: '127.0.0.1/32',
      BOOTSTRAP_ADMIN_CLIENT_ID: 'tracing-admin',
      BOOTSTRAP_ADMIN_CLIENT_SECRET: 'tracing-admin-secret-for-tests-only',
    },
    imports,
  );
  const org = await gateway.app
    .get(OrganizationsService)
    .create(SYSTEM_PRINCIPAL, { name: 'traced-org', allowedRegions: [], allowedCidrs: [], maxClearance: 'restricted' });
  const publisher = await callerWithRole(gateway.app, gateway.url, org.id, 'model-publisher');
  const consumer = await callerWithRole(gateway.app, gateway.url, org.id, 'model-consumer');
  await registerAndPromote(gateway.url, publisher.token, 'scorer', {
    backend: 'kserve-v2',
    endpoint: { kind: 'http', url: server.url, upstreamModel: 'scorer' },
    inputContract: SCALAR,
  });
  return { gateway, server, consumer };
}

function infer(setup: Setup, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${setup.gateway.url}${INFER_ROUTE}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${setup.consumer.token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ instances: [{ x: 3 }] }),
  });
}

/** The traceparent the model server received on its last inference request. */
function receivedTraceparent(server: TestModelServer): string {
  const seen = server.log.requests.filter((request) => request.url === '/v2/models/scorer/infer').at(-1);
  return String(seen?.headers.traceparent);
}

describe('trace propagation to the model server (e2e)', () => {
  describe('with tracing on (in-memory exporter)', () => {
    const exporter = new InMemorySpanExporter();

    @Global()
    @Module({ providers: [{ provide: SPAN_PROCESSOR, useValue: new SimpleSpanProcessor(exporter) }], exports: [SPAN_PROCESSOR] })
    class InMemoryTracingModule {}

    let setup: Setup;
    beforeAll(async () => {
      setup = await gatewayWithModel([InMemoryTracingModule]);
    });
    afterAll(async () => {
      await setup?.gateway.close();
      await setup?.server.close();
    });
    beforeEach(() => exporter.reset());

    /** The server span ends in Fastify's onResponse hook, which may run just after the client has the answer. */
    async function serverSpan(traceId?: string): Promise<ReadableSpan> {
      for (let i = 0; i < 100; i++) {
        const found = exporter
          .getFinishedSpans()
          .find(
            (span) =>
              span.kind === SpanKind.SERVER &&
              span.name.startsWith('POST /v1/models/') &&
              (!traceId || span.spanContext().traceId === traceId),
          );
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(
        `no server span; finished: ${exporter
          .getFinishedSpans()
          .map((span) => span.name)
          .join(', ')}`,
      );
    }

    it('keeps one trace from the client through the pipeline spans to the model server, which sees the upstream span as its parent', async () => {
      expect(isTracingActive()).toBe(true);
      const response = await infer(setup, { traceparent: INCOMING, tracestate: 'vendor=1' });
      expect(response.status).toBe(200);

      const server = await serverSpan(INCOMING_TRACE);
      expect(server.parentSpanContext?.spanId).toBe(INCOMING_PARENT);
      const spans = exporter.getFinishedSpans();
      for (const span of spans) expect(span.spanContext().traceId).toBe(INCOMING_TRACE);

      // The guards and the inference handler are children of the server span; the contract check and
      // the upstream call children of the handler's span. Each exactly once.
      const childrenOf = (parent: ReadableSpan) => spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
      const onlyOne = (among: ReadableSpan[], name: string): ReadableSpan => {
        const found = among.filter((span) => span.name === name);
        expect(found.map((span) => span.name)).toEqual([name]);
        return found[0];
      };
      const stages = childrenOf(server);
      const [authenticate, authorize, rateLimit, handler] = [
        SPAN_NAMES.authenticate,
        SPAN_NAMES.authorize,
        SPAN_NAMES.rateLimit,
        SPAN_NAMES.inference,
      ].map((name) => onlyOne(stages, name));
      const contract = onlyOne(childrenOf(handler), SPAN_NAMES.validateContract);
      const upstream = onlyOne(childrenOf(handler), SPAN_NAMES.upstream);

      expect(upstream.kind).toBe(SpanKind.CLIENT);
      expect(upstream.attributes).toMatchObject({
        'http.request.method': 'POST',
        'server.address': '127.0.0.1',
        'server.port': Number(new URL(setup.server.url).port),
        'url.full': `${setup.server.url}/v2/models/scorer/infer`,
        'http.response.status_code': 200,
      });
      // In pipeline order: the guards, then the handler's contract check, then the upstream call.
      const ns = (span: ReadableSpan) => span.startTime[0] * 1e9 + span.startTime[1];
      const ordered = [authenticate, authorize, rateLimit, contract, upstream].map(ns);
      expect([...ordered].sort((a, b) => a - b)).toEqual(ordered);

      // What the model server received names the upstream span, in the same trace, with the client's tracestate.
      expect(receivedTraceparent(setup.server)).toBe(`00-${INCOMING_TRACE}-${upstream.spanContext().spanId}-01`);
      const seen = setup.server.log.requests.at(-1)!;
      expect(seen.headers.tracestate).toBe('vendor=1');
    });

    it('starts a trace of its own without an incoming traceparent, and the model server joins it', async () => {
      const response = await infer(setup);
      expect(response.status).toBe(200);
      const server = await serverSpan();
      expect(server.spanContext().traceId).not.toBe(INCOMING_TRACE);
      expect(server.parentSpanContext).toBeUndefined();
      const spans = exporter.getFinishedSpans();
      const handler = spans.find((span) => span.name === SPAN_NAMES.inference)!;
      const upstream = spans.find((span) => span.name === SPAN_NAMES.upstream)!;
      expect(handler.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      expect(upstream.parentSpanContext?.spanId).toBe(handler.spanContext().spanId);
      expect(receivedTraceparent(setup.server)).toBe(`00-${server.spanContext().traceId}-${upstream.spanContext().spanId}-01`);
    });

    it('marks a failed upstream call on its span, with the upstream status and no message', async () => {
      setup.server.mode = 'fail-500';
      try {
        const response = await infer(setup, { traceparent: INCOMING });
        expect(response.status).toBeGreaterThanOrEqual(500);
      } finally {
        setup.server.mode = 'ok';
      }
      await serverSpan(INCOMING_TRACE);
      const upstream = exporter.getFinishedSpans().find((span) => span.name === SPAN_NAMES.upstream)!;
      expect(upstream.status.code).toBe(2); // SpanStatusCode.ERROR
      expect(upstream.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500' });
      expect(receivedTraceparent(setup.server)).toBe(`00-${INCOMING_TRACE}-${upstream.spanContext().spanId}-01`);
    });
  });

  describe('with tracing off', () => {
    let setup: Setup;
    beforeAll(async () => {
      setup = await gatewayWithModel([]);
    });
    afterAll(async () => {
      await setup?.gateway.close();
      await setup?.server.close();
    });

    it('sends the model server a child of the client traceparent: same trace and flags, a new span id', async () => {
      expect(isTracingActive()).toBe(false);
      const response = await infer(setup, { traceparent: INCOMING, tracestate: 'vendor=1' });
      expect(response.status).toBe(200);
      const [, traceId, spanId, flags] = TRACEPARENT.exec(receivedTraceparent(setup.server)) ?? [];
      expect(traceId).toBe(INCOMING_TRACE);
      expect(spanId).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
      expect(spanId).not.toBe(INCOMING_PARENT);
      expect(flags).toBe('01');
      expect(setup.server.log.requests.at(-1)!.headers.tracestate).toBe('vendor=1');
    });

    it('sends a fresh valid traceparent when the client sent none', async () => {
      const response = await infer(setup);
      expect(response.status).toBe(200);
      const [, traceId, spanId, flags] = TRACEPARENT.exec(receivedTraceparent(setup.server)) ?? [];
      expect(traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
      expect(traceId).not.toBe(INCOMING_TRACE);
      expect(spanId).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
      expect(flags).toBe('01');
    });
  });
});
