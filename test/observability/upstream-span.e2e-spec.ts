import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SPAN_NAMES } from '@infergate/observability';
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
} from '../inference/upstream/support/fault-upstream';
import { inMemoryTracing } from '../support/in-memory-tracing';

/**
 * The `upstream` CLIENT span of UpstreamClient on its own, against real HTTP servers on 127.0.0.1,
 * with a tracer provider registered as TracingService registers it: one span per call whatever the
 * attempts (retries are events), every attempt naming it in its traceparent, a streamed call's span
 * ending with its body, and failures recorded by their fixed reason.
 */
describe('the upstream span (UpstreamClient with tracing on)', () => {
  const tracing = inMemoryTracing();
  const exporter = tracing.exporter;
  let harness: UpstreamHarness;
  const servers: FaultServer[] = [];

  beforeAll(() => tracing.start());
  afterAll(() => tracing.stop());
  beforeEach(() => {
    exporter.reset();
    harness = createUpstreamHarness({ totalTimeoutMs: 3_000, maxRetries: 2 });
  });
  afterEach(async () => {
    await harness.close();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  /** Runs `fn` inside a parent span, as the request's server span would be. */
  async function underParent<T>(fn: () => Promise<T>): Promise<{ result: T; parentSpanId: string; traceId: string }> {
    const parent = trace.getTracer('test').startSpan('parent', { kind: SpanKind.SERVER });
    try {
      const result = await context.with(trace.setSpan(context.active(), parent), fn);
      return { result, parentSpanId: parent.spanContext().spanId, traceId: parent.spanContext().traceId };
    } finally {
      parent.end();
    }
  }

  const upstreamSpans = (): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.name === SPAN_NAMES.upstream);

  it('is one span across retries, every attempt sending its context, each repeat an event', async () => {
    const upstream = await startFaultServer((_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(503, { 'content-type': 'application/json' });
        return res.end('{}');
      }
      res.end(OIP_ANSWER);
    });
    servers.push(upstream);
    const { result, parentSpanId, traceId } = await underParent(() =>
      harness.client.send(versionAt(upstream.url), inferRequest({ idempotent: true })),
    );
    expect(result).toMatchObject({ status: 200, attempts: 2 });

    const [span] = upstreamSpans();
    expect(upstreamSpans()).toHaveLength(1);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.attributes).toMatchObject({ 'http.response.status_code': 200, 'http.request.resend_count': 1 });
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(span.events.map((event) => [event.name, event.attributes])).toEqual([
      ['upstream.retry', { 'http.request.resend_count': 1, 'http.response.status_code': 503 }],
    ]);
    const expected = `00-${traceId}-${span.spanContext().spanId}-01`;
    expect(upstream.seen.map((seen) => seen.headers.traceparent)).toEqual([expected, expected]);
  });

  it('ends a streamed call with its body, not at the response headers', async () => {
    let finish!: () => void;
    const upstream = await startFaultServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      finish = () => res.end('data: [DONE]\n\n');
    });
    servers.push(upstream);
    const { result: stream } = await underParent(() => harness.client.stream(versionAt(upstream.url), inferRequest()));
    expect(stream.status).toBe(200);
    expect(upstreamSpans()).toHaveLength(0); // still open: the body streams on

    finish();
    let body = '';
    for await (const chunk of stream.body) body += String(chunk);
    expect(body).toContain('[DONE]');
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstreamSpans()).toHaveLength(1);
    expect(upstreamSpans()[0].attributes['http.response.status_code']).toBe(200);
  });

  it('records a failed call by its fixed reason, never its message', async () => {
    const port = await closedPort();
    const { error } = await failureOf(() => underParent(() => harness.client.send(versionAt(`http://127.0.0.1:${port}`), inferRequest())));
    expect(error).toMatchObject({ reason: 'refused' });
    const [span] = upstreamSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span.attributes['error.type']).toBe('refused');
    expect(span.attributes['http.request.resend_count']).toBe(2); // refused before sending: retried
    expect(span.events.map((event) => event.attributes?.['error.type'])).toEqual(['refused', 'refused']);
  });
});
