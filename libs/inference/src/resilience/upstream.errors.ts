import { ProblemException } from '@infergate/common';

/**
 * Why an upstream call failed, for logs and metrics only (never shown to clients): a fixed
 * vocabulary, so that no host, URL or upstream text can travel inside it.
 */
export type UpstreamFailureReason =
  | 'total-deadline'
  | 'connect-timeout'
  | 'first-byte-timeout'
  | 'body-idle-timeout'
  | 'refused'
  | 'reset'
  | 'dns'
  | 'tls'
  | 'socket'
  | 'redirect'
  | 'not-json'
  | 'missing-outputs'
  | 'not-an-object'
  | 'too-large'
  | 'upstream-status'
  | 'client-closed'
  | 'other';

/**
 * The base of every upstream failure. Each one is already a problem+json answer (the global filter
 * renders it); `reason` and `attempts` are for logs. Messages are fixed texts: they never contain
 * the upstream host, URL or body.
 */
export abstract class UpstreamError extends ProblemException {
  abstract readonly reason: UpstreamFailureReason;
  /** Upstream attempts made for this call (0 when refused before any attempt). */
  attempts = 0;
}

/**
 * Builds an error without capturing a stack trace. For the refusals that protect the gateway under
 * load (open circuit, full bulkhead): they are expected, answered by the thousand when a model
 * fails, and their stack says nothing; capturing it is most of their cost.
 */
export function withoutStack<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A deadline (connect, first byte or total) passed: 504. */
export class UpstreamTimeoutError extends UpstreamError {
  constructor(readonly reason: UpstreamFailureReason = 'total-deadline') {
    super({
      status: 504,
      slug: 'upstream-timeout',
      title: 'Gateway Timeout',
      detail: 'The model server did not answer within the deadline.',
    });
  }
}

/** The model server could not be reached (refused, reset, DNS, TLS), after the retries that were safe: 502. */
export class UpstreamUnavailableError extends UpstreamError {
  constructor(readonly reason: UpstreamFailureReason = 'other') {
    super({
      status: 502,
      slug: 'upstream-unavailable',
      title: 'Bad Gateway',
      detail: 'The model server could not be reached.',
    });
  }
}

/** The circuit breaker of this model server is open: 503 without calling it, Retry-After = seconds until half-open. */
export class CircuitOpenError extends UpstreamError {
  readonly reason = 'upstream-status' as const;

  constructor(readonly retryAfterSeconds: number) {
    super({
      status: 503,
      slug: 'circuit-open',
      title: 'Service Unavailable',
      detail: `The model server is failing; calls to it are suspended. Retry after ${retryAfterSeconds} s.`,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

/** The model server already has its maximum of calls in flight (bulkhead, no queue): 503. */
export class BulkheadFullError extends UpstreamError {
  readonly reason = 'other' as const;

  constructor() {
    super({
      status: 503,
      slug: 'upstream-busy',
      title: 'Service Unavailable',
      detail: 'The model server is at its limit of concurrent calls. Retry after 1 s.',
      headers: { 'Retry-After': '1' },
    });
  }
}

/** The answer exceeded the configured size cap (streams included): 502. */
export class UpstreamResponseTooLargeError extends UpstreamError {
  readonly reason = 'too-large' as const;

  constructor() {
    super({
      status: 502,
      slug: 'upstream-response-too-large',
      title: 'Bad Gateway',
      detail: 'The model server answer exceeded the size limit.',
    });
  }
}

/** The answer is not what the protocol requires (a redirect, non-JSON, no `outputs`): 502. */
export class UpstreamMalformedError extends UpstreamError {
  constructor(readonly reason: UpstreamFailureReason = 'other') {
    super({
      status: 502,
      slug: 'bad-upstream-response',
      title: 'Bad Gateway',
      detail: 'The model server returned an answer the gateway cannot use.',
    });
  }
}

/**
 * The model server answered with an error status. The status class decides the answer: 400/422
 * (it refused the input) → 422, 429 → 503 with its Retry-After, anything else → 502. Its body is
 * never echoed.
 */
export class UpstreamStatusError extends UpstreamError {
  readonly reason = 'upstream-status' as const;

  constructor(
    readonly upstreamStatus: number,
    retryAfterSeconds?: number,
  ) {
    super(statusProblem(upstreamStatus, retryAfterSeconds));
  }
}

function statusProblem(upstreamStatus: number, retryAfterSeconds?: number) {
  if (upstreamStatus === 400 || upstreamStatus === 422) {
    return { status: 422, slug: 'upstream-rejected-input', title: 'Unprocessable Content', detail: 'The model server refused the input.' };
  }
  if (upstreamStatus === 429 || upstreamStatus === 503) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds ?? 1));
    return {
      status: 503,
      slug: 'upstream-busy',
      title: 'Service Unavailable',
      detail: `The model server is overloaded. Retry after ${seconds} s.`,
      headers: { 'Retry-After': String(seconds) },
    };
  }
  return { status: 502, slug: 'upstream-error', title: 'Bad Gateway', detail: `The model server failed (status ${upstreamStatus}).` };
}

/** The caller went away (its request was aborted) while the upstream call ran; nothing to answer. */
export class UpstreamCallAbortedError extends UpstreamError {
  readonly reason = 'client-closed' as const;

  constructor() {
    super({ status: 499, slug: 'client-closed-request', title: 'Client Closed Request', detail: 'The client closed the request.' });
  }
}
