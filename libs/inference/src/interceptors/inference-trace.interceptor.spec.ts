import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { defer, lastValueFrom, throwError } from 'rxjs';
import { setTracingActive } from '@infergate/observability';
import { inMemoryTracing } from '../../../../test/support/in-memory-tracing';
import { InferenceTraceInterceptor } from './inference-trace.interceptor';

/** An execution context whose request already carries its CallContext (only `surface` is read). */
function contextOf(): ExecutionContext {
  const request = { inferenceCall: { surface: 'kserve-v2' } };
  return { getArgByIndex: () => request, getHandler: () => undefined } as unknown as ExecutionContext;
}

describe(InferenceTraceInterceptor.name, () => {
  const tracing = inMemoryTracing();
  const exporter = tracing.exporter;
  const sut = new InferenceTraceInterceptor();

  beforeAll(() => tracing.start());
  afterAll(() => tracing.stop());

  beforeEach(() => exporter.reset());

  it('runs the handler inside an `inference` span, ended when the answer is there', async () => {
    let activeInHandler: string | undefined;
    const next: CallHandler = {
      handle: () =>
        defer(async () => {
          await Promise.resolve();
          activeInHandler = (trace.getActiveSpan() as unknown as { name?: string } | undefined)?.name;
          return 'answer';
        }),
    };
    await expect(lastValueFrom(sut.intercept(contextOf(), next))).resolves.toBe('answer');
    expect(activeInHandler).toBe('inference');
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['inference']);
    expect(spans[0].attributes).toEqual({ 'infergate.inference.surface': 'kserve-v2' });
  });

  it('marks the span failed with the problem status when the handler fails', async () => {
    const next: CallHandler = { handle: () => throwError(() => Object.assign(new Error('boom'), { status: 504 })) };
    await expect(lastValueFrom(sut.intercept(contextOf(), next))).rejects.toThrow('boom');
    const [span] = exporter.getFinishedSpans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['http.response.status_code']).toBe(504);
  });

  it('adds nothing when tracing is off', () => {
    setTracingActive(false);
    const handled = defer(() => Promise.resolve('answer'));
    try {
      expect(sut.intercept(contextOf(), { handle: () => handled })).toBe(handled);
    } finally {
      setTracingActive(true);
    }
  });
});
