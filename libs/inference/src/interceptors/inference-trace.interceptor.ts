import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { isTracingActive, withSpan } from '@infergate/observability';
import { callContextOf } from '../surfaces/call-context';

/**
 * A span named `inference` around the handler (resolution, contract check, backend call), child of the
 * request's server span; the upstream client's span nests inside it. Nothing at all when tracing is
 * off. For a stream the span ends when the stream starts: its end is in the audit record and metrics.
 */
@Injectable()
export class InferenceTraceInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!isTracingActive()) return next.handle();
    const surface = callContextOf(context).surface;
    // handle() inside the span: the rest of the chain and the handler run in its context.
    return from(withSpan('inference', () => lastValueFrom(next.handle()), { 'infergate.inference.surface': surface }));
  }
}
