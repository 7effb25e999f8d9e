import type { ExecutionContext } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { performance } from 'node:perf_hooks';
import { AuthenticationRequiredException } from '@infergate/common';
import type { Principal } from '@infergate/contracts';
import type { ResolvedModelVersion } from '@infergate/model-registry';
import type { StoredResponse } from '../resilience/idempotency/idempotency.types';
import type { Cancellation } from '../upstream/cancellation';
import { clientGone } from './answer';
import type { CallContext, InferenceRequest, InferenceSurface } from './inference.types';
import type { PiiNotes } from './pii-screen';

/** The surface of each inference handler, set by @InferenceRoute() when the class is decorated. */
const SURFACES = new WeakMap<object, InferenceSurface>();

/** @internal Used by @InferenceRoute(). */
export function markInferenceHandler(handler: object, surface: InferenceSurface): void {
  SURFACES.set(handler, surface);
}

/** A class (not an object literal) so that every call has the same shape from the start. */
class OpenCall implements CallContext {
  readonly requestId: string;
  readonly clientGone: Cancellation;
  readonly started = performance.now();
  resolved: ResolvedModelVersion | undefined = undefined;
  readonly notes: PiiNotes = {};
  backendStarted = -1;
  backendEnded = -1;
  idempotent = false;
  replay: StoredResponse | undefined = undefined;
  streaming = false;

  constructor(
    readonly principal: Principal,
    readonly request: InferenceRequest,
    readonly reply: FastifyReply,
    readonly surface: InferenceSurface,
  ) {
    this.requestId = request.id;
    this.clientGone = clientGone(reply);
  }
}

/**
 * The CallContext of the inference request `context` is handling, opened on first use (by the first
 * interceptor, or the @InferenceCall() parameter when a route runs without them). 401 without a
 * principal (the authentication guard normally answered before).
 */
export function callContextOf(context: ExecutionContext): CallContext {
  const request = context.getArgByIndex<InferenceRequest>(0);
  const open = request.inferenceCall;
  if (open !== undefined) return open;
  if (!request.principal) throw new AuthenticationRequiredException();
  const surface = SURFACES.get(context.getHandler()) ?? 'native';
  return (request.inferenceCall = new OpenCall(request.principal, request, context.getArgByIndex<FastifyReply>(1), surface));
}
