import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '@infergate/contracts';
import type { ResolvedModelVersion } from '@infergate/model-registry';
import type { ThrottledRequest } from '@infergate/throttling';
import type { StoredResponse } from '../resilience/idempotency/idempotency.types';
import type { Cancellation } from '../upstream/cancellation';
import type { PiiNotes } from './pii-screen';

/** The three client-facing protocols; the metrics and audit label of a call. */
export type InferenceSurface = 'native' | 'kserve-v2' | 'openai';

/** The request of an inference route, carrying its CallContext once the pipeline opened it. */
export type InferenceRequest = FastifyRequest & ThrottledRequest & { inferenceCall?: CallContext };

/**
 * One inference request, as the interceptors, InferenceService and the backends share it: who calls,
 * over which surface, and what the service resolved on the way (version, PII notes, backend time,
 * idempotent replay). One object per request on the request itself, instead of AsyncLocalStorage
 * (which would cost promise hooks on every call); the fields are written by one party each and read
 * by the interceptors after the handler.
 */
export interface CallContext {
  readonly principal: Principal;
  readonly request: InferenceRequest;
  readonly reply: FastifyReply;
  readonly requestId: string;
  readonly surface: InferenceSurface;
  /** Aborted when the client goes away: upstream calls are cancelled with it. */
  readonly clientGone: Cancellation;
  /** performance.now() when the pipeline opened the call (the audit latency). */
  readonly started: number;
  /** The version the call resolved to (set by InferenceService; undefined when resolution failed). */
  resolved: ResolvedModelVersion | undefined;
  /** What the PII screens found, for the audit record (detector counts, never values). */
  readonly notes: PiiNotes;
  /** Backend time (performance.now()): -1 until the backend was called; `backendEnded` -1 for a stream still open. */
  backendStarted: number;
  backendEnded: number;
  /** The call runs under a claimed Idempotency-Key: the upstream client may retry after sending. */
  idempotent: boolean;
  /** A stored answer to replay instead of calling the backend (set by the IdempotencyInterceptor). */
  replay: StoredResponse | undefined;
  /** The answer is an SSE stream: audit and metrics finish when it ends. */
  streaming: boolean;
}

/**
 * What an inference handler returns for Fastify to send (status and headers are on the reply):
 * a JSON value (serialized by Fastify, or by the IdempotencyInterceptor when it stores it), the bytes
 * of a replayed answer, or an SSE stream passed through with backpressure.
 */
export type InferenceBody = Record<string, unknown> | Buffer | NodeJS.ReadableStream;
