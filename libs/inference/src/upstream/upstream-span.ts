import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { SPAN_NAMES, isTracingActive, startClientSpan } from '@infergate/observability';
import type { UpstreamTarget } from './upstream-pools';

/**
 * The `upstream` CLIENT span of one model-server call (OTel HTTP client conventions): one span per
 * logical call, its retries as `upstream.retry` events, so that every attempt carries the same
 * traceparent — this span's context — and the model server's spans hang under it. Started only
 * when tracing is on (undefined otherwise: the caller then sends today's hand-built traceparent).
 *
 * `url.full` leaves the endpoint URL's query out: a model server's key can travel in it.
 */
export function startUpstreamSpan(method: string, target: UpstreamTarget, path: string): Span | undefined {
  // Checked first: the attributes below are not built at all when tracing is off.
  if (!isTracingActive()) return undefined;
  return startClientSpan(SPAN_NAMES.upstream, {
    'http.request.method': method,
    'server.address': target.host,
    'server.port': target.port,
    'url.full': `${target.origin}${target.basePath}${path}`,
  });
}

/** An attempt is repeated: why (the upstream status, or the failure's reason) and which repeat this is. */
export function recordUpstreamRetry(span: Span, resendCount: number, cause: number | string): void {
  span.addEvent('upstream.retry', {
    'http.request.resend_count': resendCount,
    ...(typeof cause === 'number' ? { 'http.response.status_code': cause } : { 'error.type': cause }),
  });
}

/** The answer the call keeps: its status; 4xx and 5xx mark a client span as failed (OTel HTTP conventions). */
export function recordUpstreamAnswer(span: Span, status: number, attempts: number): void {
  span.setAttribute('http.response.status_code', status);
  if (attempts > 1) span.setAttribute('http.request.resend_count', attempts - 1);
  if (status >= 400) {
    span.setAttribute('error.type', String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

/** The call failed (no answer kept): the failure's fixed reason, never its message. */
export function recordUpstreamFailure(span: Span, error: unknown, attempts: number): void {
  const reason = (error as { reason?: unknown } | null)?.reason;
  span.setAttribute('error.type', typeof reason === 'string' ? reason : error instanceof Error ? error.constructor.name : typeof error);
  if (attempts > 1) span.setAttribute('http.request.resend_count', attempts - 1);
  span.setStatus({ code: SpanStatusCode.ERROR });
}
