import { context, trace, SpanKind, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';

/** The instrumentation scope name of every span the gateway starts. */
export const TRACER_NAME = 'infergate';

let active = false;

/**
 * Whether a tracer provider is registered (observability.otlpEndpoint set). When it is not, the
 * helpers below call the wrapped function and nothing else: no span objects, no context switches.
 */
export function isTracingActive(): boolean {
  return active;
}

/** @internal Set by TracingService when it registers or unregisters its provider. */
export function setTracingActive(value: boolean): void {
  active = value;
}

/**
 * Runs `fn` inside a child span of the active one (a request's server span, when called from a guard,
 * pipe, service or upstream client). The span ends when `fn` returns or its promise settles; a thrown
 * error marks it as failed (the exception's type only: messages can carry request data).
 */
export function withSpan<T>(name: string, fn: () => T, attributes?: Attributes): T {
  if (!active) return fn();
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: SpanKind.INTERNAL, attributes });
  const end = (error?: unknown): void => {
    if (error !== undefined) markFailed(span, error);
    span.end();
  };
  let result: T;
  try {
    result = context.with(trace.setSpan(context.active(), span), fn);
  } catch (error) {
    end(error);
    throw error;
  }
  if (isPromiseLike(result)) {
    return (result as unknown as Promise<unknown>).then(
      (value) => {
        end();
        return value;
      },
      (error: unknown) => {
        end(error);
        throw error;
      },
    ) as unknown as T;
  }
  end();
  return result;
}

/**
 * Starts a child span of the active one (or of `parent`) that the caller ends: for work that does not
 * fit one function call, such as a streamed upstream response. Undefined when tracing is off.
 */
export function startSpan(name: string, attributes?: Attributes, parent?: Context): Span | undefined {
  if (!active) return undefined;
  return trace.getTracer(TRACER_NAME).startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent ?? context.active());
}

/** Records a failure on a span without its message (which could carry request data). */
export function markFailed(span: Span, error: unknown): void {
  const type = error instanceof Error ? error.constructor.name : typeof error;
  span.setAttribute('error.type', type);
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
