import type { Readable } from 'node:stream';
import type { Cancellation } from './cancellation';

/** Headers as Node and undici carry them: lower-case names. */
export type UpstreamHeaders = Record<string, string | string[] | undefined>;

/** One call to a model server, in protocol terms (the protocol adapters build `path` and `body`). */
export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Appended to the endpoint URL's path, e.g. `/v2/models/iris/infer`; '' for http-json. */
  path: string;
  /** The client's request headers; credentials, cookies and hop-by-hop headers are removed before forwarding. */
  headers?: UpstreamHeaders;
  body?: Buffer | string;
  /** The client sent an Idempotency-Key: 502/503/504 and connection errors may be retried after the request was sent. */
  idempotent: boolean;
  /** Aborted when the client went away: the upstream call is cancelled. */
  clientGone?: Cancellation;
  /** The client's W3C traceparent, if any; a child of it (or a new trace) is sent upstream. */
  traceparent?: string;
  tracestate?: string;
  requestId: string;
}

/** A complete, buffered upstream answer (any status but 3xx, which is an error). */
export interface UpstreamResponse {
  status: number;
  /** Upstream headers without hop-by-hop headers, content-length, set-cookie and server identification. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Upstream attempts made (1 + retries). */
  attempts: number;
}

/**
 * A streamed upstream answer (SSE pass-through). `body` has backpressure, stays within the size cap
 * and the total deadline (it errors with UpstreamResponseTooLargeError / UpstreamTimeoutError), and
 * destroying it cancels the upstream request.
 */
export interface UpstreamStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  attempts: number;
  /** Cancels the upstream request (same as destroying `body`). */
  abort(): void;
}
