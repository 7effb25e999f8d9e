import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { callContextOf } from './call-context';
import type { CallContext } from './inference.types';

/**
 * The CallContext of an inference route: the authenticated principal, the request (with its
 * rate-limit decision) and reply, its id, a cancellation aborted when the client goes away, and what
 * the call resolves on the way — the same object the interceptors of @InferenceRoute() read.
 */
export const InferenceCall = createParamDecorator((_data: unknown, context: ExecutionContext): CallContext => callContextOf(context));
