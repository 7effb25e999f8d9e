import { parseRetryAfterMs } from '../../resilience/backoff';
import { UpstreamMalformedError, UpstreamStatusError } from '../../resilience/upstream.errors';
import type { UpstreamResponse } from '../upstream.types';

/**
 * Throws UpstreamStatusError for a non-2xx answer (its body is dropped, never echoed). Works on a
 * streamed answer too: call `stream.abort()` before rethrowing.
 */
export function assertUpstreamSuccess(response: Pick<UpstreamResponse, 'status' | 'headers'>): void {
  if (response.status >= 200 && response.status < 300) return;
  const retryAfterMs = parseRetryAfterMs(response.headers['retry-after']);
  throw new UpstreamStatusError(response.status, retryAfterMs === undefined ? undefined : retryAfterMs / 1000);
}

/**
 * The JSON object of a successful answer. A non-2xx status is UpstreamStatusError; a body that is
 * not a JSON object is UpstreamMalformedError (the parser's message, which quotes the body, is dropped).
 */
export function parseUpstreamJsonObject(response: UpstreamResponse): Record<string, unknown> {
  assertUpstreamSuccess(response);
  let value: unknown;
  try {
    value = JSON.parse(response.body.toString('utf8'));
  } catch {
    throw new UpstreamMalformedError('not-json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UpstreamMalformedError('not-an-object');
  return value as Record<string, unknown>;
}

/** The name the upstream server knows the model by. */
export function upstreamModelName(endpoint: { upstreamModel?: string }, registryName: string): string {
  return endpoint.upstreamModel ?? registryName;
}

/** Serialises a JSON request body once. */
export function jsonBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
