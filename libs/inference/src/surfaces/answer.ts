import type { FastifyReply } from 'fastify';
import { Cancellation } from '../upstream/cancellation';
import { CLIENT_WENT_AWAY } from '../upstream/upstream-error-classifier';
import type { InferenceAnswer } from './inference.types';

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

/** Sends a buffered or streamed answer; streams go through Fastify (backpressure, destroy on close). */
export function sendAnswer(reply: FastifyReply, answer: InferenceAnswer): FastifyReply {
  void reply.status(answer.status).headers(answer.headers);
  if (answer.kind === 'stream') {
    void reply.header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
  }
  return reply.send(answer.body);
}
