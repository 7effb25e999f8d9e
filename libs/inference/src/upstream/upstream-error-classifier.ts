import { UpstreamCallAbortedError, UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError } from '../resilience/upstream.errors';

/** Marks why the gateway aborted a call: the abort reason on the call's AbortController. */
export const DEADLINE_REACHED = Symbol('upstream-total-deadline');
export const CLIENT_WENT_AWAY = Symbol('upstream-client-went-away');
/** undici's own headers timeout runs on a coarse (~1 s) timer; the first-byte deadline is ours. */
export const FIRST_BYTE_PASSED = Symbol('upstream-first-byte-deadline');

/**
 * When a failed attempt may be repeated:
 * - `unsent`: the connection never carried this request (undici did not write it), so the model
 *   server cannot have seen it: retried for every request;
 * - `idempotent`: it may have been seen; retried only for requests with an Idempotency-Key;
 * - `never`: retrying cannot help (deadline spent, TLS trust failure, the client left, a bad answer).
 */
export type RetryClass = 'unsent' | 'idempotent' | 'never';

export interface ClassifiedFailure {
  error: UpstreamError;
  retry: RetryClass;
  /** Counts against the circuit breaker (timeouts, connection errors); a client abort or bad answer does not. */
  breakerFailure: boolean;
}

/** Errors of an unestablished connection: nothing was written, whatever `sent` says. */
const CONNECT_CODES: Record<string, UpstreamError['reason']> = {
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  ENETDOWN: 'refused',
  EHOSTDOWN: 'refused',
};

/** Errors of an established connection that closed under the request. */
const SOCKET_CODES: Record<string, UpstreamError['reason']> = {
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'socket',
  UND_ERR_CLOSED: 'socket',
};

function isTlsFailure(code: string, message: string): boolean {
  return (
    /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_)/.test(code) ||
    /\b(SSL|TLS) alert\b|certificate/i.test(message)
  );
}

/**
 * Maps what an attempt threw to a typed upstream error. `sent` is whether undici wrote the request
 * (SentTrackingDispatcher); `abortReason` is the call's AbortSignal reason, which wins: an error
 * after the deadline fired is a timeout whatever undici calls it.
 */
export function classifyUpstreamFailure(raw: unknown, sent: boolean, abortReason: unknown): ClassifiedFailure {
  if (abortReason === DEADLINE_REACHED) return { error: new UpstreamTimeoutError('total-deadline'), retry: 'never', breakerFailure: true };
  if (abortReason === CLIENT_WENT_AWAY) return { error: new UpstreamCallAbortedError(), retry: 'never', breakerFailure: false };
  if (abortReason === FIRST_BYTE_PASSED)
    return { error: new UpstreamTimeoutError('first-byte-timeout'), retry: 'idempotent', breakerFailure: true };
  if (raw instanceof UpstreamError) return { error: raw, retry: 'never', breakerFailure: false };

  const { code: rawCode, message: rawMessage } = (raw ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof rawCode === 'string' ? rawCode : '';
  const message = typeof rawMessage === 'string' ? rawMessage : '';
  if (code === 'UND_ERR_CONNECT_TIMEOUT')
    return { error: new UpstreamTimeoutError('connect-timeout'), retry: 'unsent', breakerFailure: true };
  if (code === 'UND_ERR_HEADERS_TIMEOUT')
    return { error: new UpstreamTimeoutError('first-byte-timeout'), retry: 'idempotent', breakerFailure: true };
  if (code === 'UND_ERR_BODY_TIMEOUT')
    return { error: new UpstreamTimeoutError('body-idle-timeout'), retry: 'idempotent', breakerFailure: true };
  if (CONNECT_CODES[code]) return { error: new UpstreamUnavailableError(CONNECT_CODES[code]), retry: 'unsent', breakerFailure: true };
  if (isTlsFailure(code, message)) return { error: new UpstreamUnavailableError('tls'), retry: 'never', breakerFailure: true };
  if (SOCKET_CODES[code]) {
    return { error: new UpstreamUnavailableError(SOCKET_CODES[code]), retry: sent ? 'idempotent' : 'unsent', breakerFailure: true };
  }
  return { error: new UpstreamUnavailableError('other'), retry: 'never', breakerFailure: true };
}
