import { performance } from 'node:perf_hooks';
import { toProblem } from '../resilience/problem-mapping';
import type { UpstreamRequest } from '../upstream/upstream.types';
import type { CallContext } from '../surfaces/inference.types';

/**
 * Runs the backend's own work (a model run, an upstream exchange) and records its time on the call
 * for the duration histogram (observed by the metrics interceptor). Any failure leaves as its problem,
 * never as upstream or runtime text.
 */
export async function timedBackendCall<T>(call: CallContext, work: () => Promise<T>): Promise<T> {
  call.backendStarted = performance.now();
  try {
    return await work();
  } catch (error) {
    throw toProblem(error);
  } finally {
    call.backendEnded = performance.now();
  }
}

/** A POST to the version's model server with the client's headers (filtered by the client), its cancellation and trace. */
export function upstreamPost(call: CallContext, path: string, body: Buffer): UpstreamRequest {
  const headers = call.request.headers;
  return {
    method: 'POST',
    path,
    headers: { ...headers, 'content-type': 'application/json' },
    body,
    idempotent: call.idempotent,
    clientGone: call.clientGone,
    traceparent: typeof headers.traceparent === 'string' ? headers.traceparent : undefined,
    tracestate: typeof headers.tracestate === 'string' ? headers.tracestate : undefined,
    requestId: call.requestId,
  };
}

/** One output per row, or the only one when the request was a single `inputs` object. */
export function pick<T>(rows: T[], single: boolean): T | T[] {
  return single ? rows[0] : rows;
}
