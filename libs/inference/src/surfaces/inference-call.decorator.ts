import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationRequiredException } from '@infergate/common';
import type { ThrottledRequest } from '@infergate/throttling';
import { clientGone } from './answer';
import type { CallContext } from './inference.types';

/**
 * The CallContext of an inference route: the authenticated principal, the request (with its
 * rate-limit decision), its id, and a cancellation aborted when the client goes away (upstream calls are
 * cancelled with it). One place instead of four parameters on every handler.
 */
export const InferenceCall = createParamDecorator((_data: unknown, context: ExecutionContext): CallContext => {
  const http = context.switchToHttp();
  const request = http.getRequest<FastifyRequest & ThrottledRequest>();
  if (!request.principal) throw new AuthenticationRequiredException();
  return { principal: request.principal, request, requestId: request.id, clientGone: clientGone(http.getResponse<FastifyReply>()) };
});
