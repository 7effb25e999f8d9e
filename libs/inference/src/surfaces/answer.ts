import type { FastifyReply } from 'fastify';
import { Cancellation } from '../upstream/cancellation';
import { CLIENT_WENT_AWAY } from '../upstream/upstream-error-classifier';

/**
 * A cancellation aborted when the client goes away before its answer is complete: the response
 * socket closed while the answer was unfinished. Upstream calls and streams are cancelled with it.
 */
export function clientGone(reply: FastifyReply): Cancellation {
  const cancellation = new Cancellation();
  const response = reply.raw;
  response.once('close', () => {
    if (!response.writableFinished) cancellation.abort(CLIENT_WENT_AWAY);
  });
  return cancellation;
}

/** The headers of a streamed (SSE) answer: no caching, no proxy buffering between the chunks. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

/** The content type of JSON answers (what Fastify sets when it serializes an object). */
export const JSON_TYPE = 'application/json; charset=utf-8';
