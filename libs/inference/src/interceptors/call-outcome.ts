import type { Readable } from 'node:stream';
import { ProblemException } from '@infergate/common';
import { failureOutcome } from '../resilience/problem-mapping';
import { UpstreamError } from '../resilience/upstream.errors';

/** The status a failed call answers with: its problem's, or 500 for anything else. */
export function failureStatus(error: unknown): number {
  return error instanceof ProblemException ? error.status : 500;
}

/** The `outcome` label (metrics) and audit `reason` of a failed call. */
export function callOutcome(error: unknown, status: number): string {
  if (error instanceof UpstreamError) return failureOutcome(error);
  if (error instanceof ProblemException && (error.type.endsWith(':pii-detected') || error.type.endsWith(':output-blocked')))
    return 'rejected';
  if (status === 504) return 'timeout';
  if (status >= 400 && status < 500) return 'client_error';
  return 'upstream_error';
}

/**
 * Calls `done(completed)` once the streamed answer is over: `completed` when it ended normally, not
 * when it was cut (client gone, upstream failure, deadline), which audit and metrics count as 499
 * 'rejected'.
 */
export function whenStreamEnds(body: NodeJS.ReadableStream, done: (completed: boolean) => void): void {
  let completed = false;
  body.once('end', () => (completed = true));
  (body as Readable).once('close', () => done(completed));
}
