import { ProblemException } from '@infergate/common';
import {
  BulkheadFullError,
  CircuitOpenError,
  UpstreamCallAbortedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from './upstream.errors';

/**
 * The problem+json answer for anything an upstream call threw. Upstream and idempotency errors
 * already are problems (returned as they are); anything else (an undici error that escaped
 * classification) becomes a plain 502 so that its message, which may name the host, never reaches
 * a client.
 */
export function toProblem(error: unknown): ProblemException {
  if (error instanceof ProblemException) return error;
  return new UpstreamUnavailableError('other');
}

/** The metrics outcome label of `infergate_inference_requests_total` for a failed call. */
export function failureOutcome(error: unknown): 'timeout' | 'circuit_open' | 'bulkhead_full' | 'rejected' | 'upstream_error' {
  if (error instanceof UpstreamTimeoutError) return 'timeout';
  if (error instanceof CircuitOpenError) return 'circuit_open';
  if (error instanceof BulkheadFullError) return 'bulkhead_full';
  if (error instanceof UpstreamCallAbortedError) return 'rejected';
  return 'upstream_error';
}
