import { applyDecorators, HttpCode, UseInterceptors } from '@nestjs/common';
import { markInferenceHandler } from '../surfaces/call-context';
import type { InferenceSurface } from '../surfaces/inference.types';
import { InferencePipelineInterceptor } from './inference-pipeline.interceptor';

/**
 * Marks a handler as an inference call over `surface`: the interceptors of InferencePipelineInterceptor
 * (span, metrics, audit, Deprecation/Sunset, Idempotency-Key replay, PII output rule) run around it,
 * and it answers 200 (the handler returns the body; headers are on the reply).
 *
 * Per handler, not per class or globally: the same controllers serve metadata, readiness and model
 * lists, which are not inference calls (not audited as such, not counted in the inference metrics),
 * and every route an interceptor is attached to pays Nest's per-interceptor cost.
 */
export function InferenceRoute(surface: InferenceSurface): MethodDecorator {
  const mark: MethodDecorator = (_target, _key, descriptor) => {
    markInferenceHandler(descriptor.value as object, surface);
  };
  return applyDecorators(HttpCode(200), UseInterceptors(InferencePipelineInterceptor), mark);
}
