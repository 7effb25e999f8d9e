import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { inMemoryTracing } from '../../../../test/support/in-memory-tracing';
import { injectTraceContext, isTracingActive, startClientSpan, traced, withSpan } from './tracing';

class Subject {
  readonly seen: unknown[][] = [];
  work(a: number, b: string): string {
    this.seen.push([a, b, trace.getActiveSpan()?.spanContext().spanId]);
    return `${a}${b}`;
  }
  async fail(): Promise<never> {
    await Promise.resolve();
    throw new RangeError('secret detail');
  }
}

describe('tracing helpers', () => {
  describe('with tracing off', () => {
    it('calls the function on its receiver with its arguments and starts nothing', () => {
      expect(isTracingActive()).toBe(false);
      const sut = new Subject();
      expect(traced('work', sut.work, sut, 1, 'a')).toBe('1a');
      expect(sut.seen).toEqual([[1, 'a', undefined]]);
      expect(startClientSpan('upstream', {})).toBeUndefined();
      expect(withSpan('work', () => 2)).toBe(2);
    });
  });

  describe('with tracing on', () => {
    const tracing = inMemoryTracing();
    const exporter = tracing.exporter;

    beforeAll(() => tracing.start());
    afterAll(() => tracing.stop());
    beforeEach(() => exporter.reset());

    it('runs the function inside a child span of the active one, on its receiver', () => {
      const parent = trace.getTracer('test').startSpan('parent');
      const sut = new Subject();
      const result = context.with(trace.setSpan(context.active(), parent), () => traced('work', sut.work, sut, 7, 'b'));
      parent.end();
      expect(result).toBe('7b');
      const span = exporter.getFinishedSpans().find((s) => s.name === 'work')!;
      expect(span.kind).toBe(SpanKind.INTERNAL);
      expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(sut.seen).toEqual([[7, 'b', span.spanContext().spanId]]);
    });

    it('ends the span when a promise settles and marks a rejection by its type only', async () => {
      const sut = new Subject();
      await expect(traced('fail', sut.fail, sut)).rejects.toThrow(RangeError);
      const [span] = exporter.getFinishedSpans();
      expect(span.name).toBe('fail');
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
      expect(span.attributes['error.type']).toBe('RangeError');
      expect(JSON.stringify(span.attributes)).not.toContain('secret detail');
    });

    it('injects a client span as the W3C traceparent of an outgoing call', () => {
      const span = startClientSpan('upstream', { 'http.request.method': 'POST' })!;
      const headers: Record<string, string> = {};
      injectTraceContext(span, headers);
      span.end();
      const { traceId, spanId } = span.spanContext();
      expect(headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
      expect(exporter.getFinishedSpans()[0].kind).toBe(SpanKind.CLIENT);
    });
  });
});
