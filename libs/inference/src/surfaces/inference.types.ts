import type { FastifyRequest } from 'fastify';
import type { Principal } from '@infergate/contracts';
import type { ThrottledRequest } from '@infergate/throttling';
import type { Cancellation } from '../upstream/cancellation';

/** The three client-facing protocols; the metrics and audit label of a call. */
export type InferenceSurface = 'native' | 'kserve-v2' | 'openai';

/** One inference request as the controllers hand it to InferenceService. */
export interface CallContext {
  principal: Principal;
  request: FastifyRequest & ThrottledRequest;
  requestId: string;
  /** Aborted when the client goes away: upstream calls are cancelled with it. */
  clientGone: Cancellation;
}

/** A complete answer, ready to send (and to replay under an Idempotency-Key). */
export interface BufferedAnswer {
  kind: 'buffered';
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A streamed answer (OpenAI `stream: true`): SSE bytes passed through with backpressure. */
export interface StreamedAnswer {
  kind: 'stream';
  status: number;
  headers: Record<string, string>;
  body: NodeJS.ReadableStream;
}

export type InferenceAnswer = BufferedAnswer | StreamedAnswer;
