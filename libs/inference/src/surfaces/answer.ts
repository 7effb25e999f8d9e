import type { FastifyReply } from 'fastify';
import type { InferenceAnswer } from './inference.types';

/**
 * An AbortSignal that fires when the client goes away before its answer is complete: the response
 * socket closed while the answer was unfinished. Upstream calls and streams are cancelled with it.
 */
export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const response = reply.raw;
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** Sends a buffered or streamed answer; streams go through Fastify (backpressure, destroy on close). */
export function sendAnswer(reply: FastifyReply, answer: InferenceAnswer): FastifyReply {
  void reply.status(answer.status).headers(answer.headers);
  if (answer.kind === 'stream') {
    void reply.header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
  }
  return reply.send(answer.body);
}
