import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';

/** The instrumentation scope name of every span the gateway starts. */
export const TRACER_NAME = 'infergate';

/**
 * The spans of one inference request, all in the request's trace:
 *
 * ```
 * POST /v1/models/:model/infer      SERVER   the request (observability-hooks), continues an incoming traceparent
 * ├─ authenticate                   INTERNAL AuthenticationGuard
 * ├─ authorize                      INTERNAL PoliciesGuard (route-level CASL check)
 * ├─ rate_limit                     INTERNAL RateLimitGuard (all scopes charged at once)
 * ├─ validate                       INTERNAL the global ValidationPipe (class-validator DTOs)
 * └─ inference                      INTERNAL InferenceTraceInterceptor: the handler of an inference route
 *    ├─ validate_contract           INTERNAL the registered model's input contract (compiled ajv check)
 *    └─ upstream                    CLIENT   the model-server call, retries included (one `upstream.retry`
 *                                            event per repeat); its context is the traceparent the model
 *                                            server receives, so the model server's spans join this trace.
 *                                            A streamed call's span ends with its body (after `inference`).
 * ```
 *
 * The server span is named `{method} {route template}` (OTel HTTP conventions); the others take
 * these names, so dashboards and tests can rely on them.
 */
export const SPAN_NAMES = {
  authenticate: 'authenticate',
  authorize: 'authorize',
  rateLimit: 'rate_limit',
  validate: 'validate',
  inference: 'inference',
  validateContract: 'validate_contract',
  upstream: 'upstream',
} as const;

let active = false;
/** Cached while a provider is registered: trace.getTracer() builds a key string on every call. */
let tracer: Tracer = trace.getTracer(TRACER_NAME);

/** Span options reused by every span without attributes (the SDK reads them, never keeps them). */
const INTERNAL: SpanOptions = Object.freeze({ kind: SpanKind.INTERNAL });

/**
 * Whether a tracer provider is registered (an OTLP endpoint is set, or a span processor was given).
 * When it is not, the helpers below call the wrapped function and nothing else: no span objects, no
 * context switches, no allocations.
 */
export function isTracingActive(): boolean {
  return active;
}

/** @internal Set by TracingService after it registered its provider, or when it unregisters it. */
export function setTracingActive(value: boolean): void {
  active = value;
  tracer = trace.getTracer(TRACER_NAME);
}

/**
 * Runs `fn` inside a child span of the active one (a request's server span, when called from a guard,
 * pipe, service or upstream client). The span ends when `fn` returns or its promise settles; a thrown
 * error marks it as failed (the exception's type only: messages can carry request data).
 *
 * On the hot path prefer `traced`: the arrow function given here is allocated even when tracing is off.
 */
export function withSpan<T>(name: string, fn: () => T, attributes?: Attributes): T {
  if (!active) return fn();
  const span = tracer.startSpan(name, attributes ? { kind: SpanKind.INTERNAL, attributes } : INTERNAL);
  let result: T;
  try {
    result = context.with(trace.setSpan(context.active(), span), fn);
  } catch (error) {
    endFailed(span, error);
    throw error;
  }
  return endWhenSettled(span, result);
}

/**
 * `withSpan` without a closure: runs `fn.call(self, a, b, c)` inside a child span of the active one.
 * With tracing off it is that call and one flag check, so the hot path pays nothing for it:
 *
 * ```ts
 * return traced(SPAN_NAMES.authorize, this.authorize, this, context, route);
 * ```
 */
export function traced<R, S>(name: string, fn: (this: S) => R, self: S): R;
export function traced<R, S, A>(name: string, fn: (this: S, a: A) => R, self: S, a: A): R;
export function traced<R, S, A, B>(name: string, fn: (this: S, a: A, b: B) => R, self: S, a: A, b: B): R;
export function traced<R, S, A, B, C>(name: string, fn: (this: S, a: A, b: B, c: C) => R, self: S, a: A, b: B, c: C): R;
export function traced(
  name: string,
  fn: (this: unknown, a?: unknown, b?: unknown, c?: unknown) => unknown,
  self: unknown,
  a?: unknown,
  b?: unknown,
  c?: unknown,
): unknown {
  if (!active) return fn.call(self, a, b, c);
  const span = tracer.startSpan(name, INTERNAL);
  let result: unknown;
  try {
    // context.with passes `self` and the arguments on: no closure needed here either.
    result = context.with(trace.setSpan(context.active(), span), fn, self, a, b, c);
  } catch (error) {
    endFailed(span, error);
    throw error;
  }
  return endWhenSettled(span, result);
}

/**
 * Starts a child span of the active one (or of `parent`) that the caller ends: for work that does not
 * fit one function call, such as a streamed upstream response. Undefined when tracing is off.
 */
export function startSpan(name: string, attributes?: Attributes, parent?: Context): Span | undefined {
  if (!active) return undefined;
  return tracer.startSpan(name, attributes ? { kind: SpanKind.INTERNAL, attributes } : INTERNAL, parent ?? context.active());
}

/**
 * Starts a CLIENT span, child of the active one, for a call to another service; the caller ends it
 * and passes it to `injectTraceContext` so that the callee continues it. Undefined when tracing is off.
 */
export function startClientSpan(name: string, attributes: Attributes): Span | undefined {
  if (!active) return undefined;
  return tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
}

/**
 * Writes `span`'s context into outgoing request headers through the registered propagator (W3C
 * TraceContext: `traceparent`, and `tracestate` when the trace carries one), so that the callee's
 * spans become children of `span`.
 */
export function injectTraceContext(span: Span, headers: Record<string, string>): void {
  propagation.inject(trace.setSpan(context.active(), span), headers);
}

/** Records a failure on a span without its message (which could carry request data). */
export function markFailed(span: Span, error: unknown): void {
  const type = error instanceof Error ? error.constructor.name : typeof error;
  span.setAttribute('error.type', type);
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

function endFailed(span: Span, error: unknown): void {
  markFailed(span, error);
  span.end();
}

function endWhenSettled<T>(span: Span, result: T): T {
  if (!isPromiseLike(result)) {
    span.end();
    return result;
  }
  return (result as unknown as Promise<unknown>).then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      endFailed(span, error);
      throw error;
    },
  ) as unknown as T;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
