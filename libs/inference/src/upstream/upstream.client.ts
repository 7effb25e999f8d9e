import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Dispatcher } from 'undici';
import type { HttpEndpoint, ResolvedModelVersion } from '@infergate/model-registry';
import { injectTraceContext } from '@infergate/observability';
import { fullJitterBackoffMs, parseRetryAfterMs } from '../resilience/backoff';
import { UpstreamMalformedError, UpstreamResponseTooLargeError } from '../resilience/upstream.errors';
import { UpstreamGuards } from '../resilience/upstream-guards';
import { bufferedExchange, type SentTracker } from './buffered-exchange';
import { CappedUpstreamBody, discardBody } from './capped-body';
import { childTraceparent } from './trace-context';
import type { Cancellation } from './cancellation';
import { UpstreamCall } from './upstream-call';
import { classifyUpstreamFailure } from './upstream-error-classifier';
import { clientResponseHeaders, upstreamRequestHeaders } from './upstream-headers';
import { UpstreamPools } from './upstream-pools';
import { SentTrackingDispatcher } from './sent-tracking.dispatcher';
import { recordUpstreamAnswer, recordUpstreamFailure, recordUpstreamRetry, startUpstreamSpan } from './upstream-span';
import type { UpstreamRequest, UpstreamResponse, UpstreamStream } from './upstream.types';
import { INFERENCE_OPTIONS, type InferenceModuleOptions } from '../inference.options';

/** Statuses an idempotent request retries (429 only when the server says when, with Retry-After). */
const RETRIED_STATUSES = new Set([502, 503, 504]);

/** What an exchange gets for one attempt: its cancellation, where to mark the request sent, and the first-byte hook. */
interface AttemptHandle {
  cancellation: Cancellation;
  tracker: SentTracker;
  onHeaders: () => void;
}

/** What one attempt produced, before the retry decision. */
interface AttemptResult<B> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: B;
}

/**
 * The HTTP client of the `kserve-v2`, `openai` and `http-json` backends. Every call runs inside one
 * total deadline (retries and body included), behind the upstream origin's circuit breaker and
 * bulkhead, over a keep-alive pool; redirects are never followed (a 3xx is a bad answer); answers
 * are capped in size. Retries (at most `inference.maxRetries`, full-jitter backoff, upstream
 * Retry-After honoured when it fits in the deadline) happen only where safe:
 * - the request was never written to a socket (connect refused/timeout, DNS, a connection that closed
 *   before undici wrote the request): any request;
 * - after it was written (reset, first-byte timeout, 502/503/504, 429 with Retry-After): only when
 *   `idempotent` (the client sent an Idempotency-Key).
 * Failures are typed UpstreamErrors (problem+json, no host or upstream text in them).
 *
 * Trace context: with tracing on, each call is an `upstream` CLIENT span (child of the active span,
 * the request's server span) and every attempt sends that span's context as its traceparent, so the
 * model server's spans join the gateway's trace. With tracing off, no OpenTelemetry code runs: each
 * attempt sends a child of the client's traceparent (or a new trace), built by hand.
 */
@Injectable()
export class UpstreamClient {
  constructor(
    @Inject(INFERENCE_OPTIONS) private readonly options: InferenceModuleOptions,
    private readonly pools: UpstreamPools,
    private readonly guards: UpstreamGuards,
  ) {}

  /** One buffered exchange: status, filtered headers and the whole body (at most `inference.maxResponseBytes`). */
  async send(target: ResolvedModelVersion, request: UpstreamRequest): Promise<UpstreamResponse> {
    const call = this.open(target, request);
    const maxBytes = this.options.maxResponseBytes;
    try {
      const result = await this.withRetries(call, request, async (options, attempt) => {
        const answer = await bufferedExchange({ pool: call.target.pool, request: options, maxBytes, ...attempt });
        return { status: answer.status, headers: clientResponseHeaders(answer.headers), body: answer.body };
      });
      return { ...result, attempts: call.attempts };
    } catch (error) {
      if (call.span) recordUpstreamFailure(call.span, error, call.attempts);
      throw error;
    } finally {
      call.end();
    }
  }

  /**
   * A streamed exchange (SSE pass-through): resolves at the response headers; the body streams with
   * backpressure inside the size cap and the total deadline. Destroying `body` (or aborting the
   * request's `clientGone`) cancels the upstream request. Retries happen only before the headers.
   */
  async stream(target: ResolvedModelVersion, request: UpstreamRequest): Promise<UpstreamStream> {
    const call = this.open(target, request);
    let result: AttemptResult<Readable>;
    try {
      result = await this.withRetries(
        call,
        request,
        async (options, attempt) => {
          const response = await new SentTrackingDispatcher(call.target.pool, attempt.tracker).request({
            ...options,
            signal: attempt.cancellation.signal,
          });
          attempt.onHeaders();
          if (response.statusCode >= 300 && response.statusCode < 400) {
            discardBody(response.body);
            throw new UpstreamMalformedError('redirect');
          }
          if (Number(response.headers['content-length']) > this.options.maxResponseBytes) {
            discardBody(response.body);
            throw new UpstreamResponseTooLargeError();
          }
          return { status: response.statusCode, headers: clientResponseHeaders(response.headers), body: response.body };
        },
        (discarded) => discardBody(discarded.body),
      );
    } catch (error) {
      if (call.span) recordUpstreamFailure(call.span, error, call.attempts);
      call.end();
      throw error;
    }
    const body = new CappedUpstreamBody(result.body, this.options.maxResponseBytes, {
      mapError: (error) => {
        const failure = classifyUpstreamFailure(error, true, call.cancellation.reason).error;
        if (call.span) recordUpstreamFailure(call.span, failure, call.attempts);
        return failure;
      },
      onClose: (completed) => {
        if (!completed) call.abort();
        call.end();
      },
    });
    // A consumer that never reads (it answered from the status alone) must not crash the process
    // when the deadline later fails the stream; consumers that pipe or iterate still see the error.
    body.on('error', () => undefined);
    return { status: result.status, headers: result.headers, body, attempts: call.attempts, abort: () => body.destroy() };
  }

  private open(target: ResolvedModelVersion, request: UpstreamRequest): UpstreamCall {
    const endpoint = httpEndpoint(target);
    const defaults = this.options;
    const deadlines = {
      connectMs: endpoint.timeouts?.connectMs ?? defaults.connectTimeoutMs,
      firstByteMs: endpoint.timeouts?.firstByteMs ?? defaults.firstByteTimeoutMs,
      totalMs: endpoint.timeouts?.totalMs ?? defaults.totalTimeoutMs,
    };
    const upstream = this.pools.target(endpoint, deadlines.connectMs);
    const guard = this.guards.for(upstream.origin, endpoint.maxInFlight);
    const span = startUpstreamSpan(request.method, upstream, request.path);
    if (span === undefined) return new UpstreamCall(endpoint, upstream, guard, deadlines, request.clientGone);
    try {
      const call = new UpstreamCall(endpoint, upstream, guard, deadlines, request.clientGone);
      call.span = span;
      return call;
    } catch (error) {
      // Refused before any attempt (open circuit, full bulkhead, client gone): still a failed call.
      recordUpstreamFailure(span, error, 0);
      span.end();
      throw error;
    }
  }

  /**
   * Runs `exchange` once per attempt with the attempt's request options and cancellation, and repeats it
   * while that is safe and useful (see the class comment). `exchange` must mark `attempt.tracker.sent`
   * once the request was written and call `attempt.onHeaders()` when the answer's headers arrive.
   */
  private async withRetries<B>(
    call: UpstreamCall,
    request: UpstreamRequest,
    exchange: (options: Dispatcher.DispatchOptions, attempt: AttemptHandle) => Promise<AttemptResult<B>>,
    discard: (result: AttemptResult<B>) => void = () => undefined,
  ): Promise<AttemptResult<B>> {
    const upstream = call.target;
    const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body);
    const span = call.span;
    const baseHeaders = upstreamRequestHeaders(request.headers, {
      traceparent: '',
      // With a span, tracestate travels in the span's context (extracted with the server span).
      tracestate: span ? undefined : request.tracestate,
      requestId: request.requestId,
      endpointHeaders: call.endpoint.headers,
      hasBody: body !== undefined,
    });
    // One span per call: every attempt names it as the parent.
    if (span) injectTraceContext(span, baseHeaders);
    const path = `${upstream.basePath}${request.path}${upstream.search}` || '/';
    const maxRetries = this.options.maxRetries;

    for (let retry = 0; ; retry += 1) {
      const permit = call.admit();
      const { cancellation, headersReceived } = call.attemptCancellation();
      const tracker: SentTracker = { sent: false };
      let result: AttemptResult<B>;
      try {
        result = await exchange(
          {
            method: request.method,
            path,
            headers: span ? baseHeaders : { ...baseHeaders, traceparent: childTraceparent(request.traceparent) },
            body,
            // Backstops only: the first-byte and total deadlines are the call's own (precise) timers.
            headersTimeout: call.deadlines.firstByteMs + 1_000,
            bodyTimeout: call.deadlines.firstByteMs,
          },
          { cancellation, tracker, onHeaders: headersReceived },
        );
      } catch (raw) {
        headersReceived();
        const failure = classifyUpstreamFailure(raw, tracker.sent, cancellation.reason);
        if (failure.breakerFailure) permit.failure();
        else permit.cancel();
        failure.error.attempts = call.attempts;
        const retryable = failure.retry === 'unsent' || (failure.retry === 'idempotent' && request.idempotent);
        const wait = fullJitterBackoffMs(retry);
        if (!retryable || retry >= maxRetries || wait >= call.remainingMs()) throw failure.error;
        if (span) recordUpstreamRetry(span, retry + 1, failure.error.reason);
        await this.pause(call, wait);
        continue;
      }

      if (result.status >= 500) permit.failure();
      else permit.success();
      const wait = this.retryWait(result, request, retry, maxRetries);
      if (wait === undefined || wait >= call.remainingMs()) {
        if (span) recordUpstreamAnswer(span, result.status, call.attempts);
        return result;
      }
      discard(result);
      if (span) recordUpstreamRetry(span, retry + 1, result.status);
      await this.pause(call, wait);
    }
  }

  /** How long to wait before repeating an answered attempt, or undefined to keep its answer. */
  private retryWait(result: AttemptResult<unknown>, request: UpstreamRequest, retry: number, maxRetries: number): number | undefined {
    if (!request.idempotent || retry >= maxRetries) return undefined;
    const retryAfter = result.status === 503 || result.status === 429 ? parseRetryAfterMs(result.headers['retry-after']) : undefined;
    if (retryAfter !== undefined) return retryAfter;
    return RETRIED_STATUSES.has(result.status) ? fullJitterBackoffMs(retry) : undefined;
  }

  private async pause(call: UpstreamCall, ms: number): Promise<void> {
    try {
      await call.pause(ms);
    } catch (raw) {
      const { error } = classifyUpstreamFailure(raw, false, call.cancellation.reason);
      error.attempts = call.attempts;
      throw error;
    }
  }
}

function httpEndpoint(target: ResolvedModelVersion): HttpEndpoint {
  const endpoint = target.version.endpoint;
  if (endpoint.kind !== 'http') throw new TypeError(`version ${target.version.id} is not served over HTTP`);
  return endpoint;
}
