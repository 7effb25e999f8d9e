import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { callContextOf } from '../surfaces/call-context';
import { DeprecationHeadersInterceptor } from './deprecation-headers.interceptor';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { InferenceAuditInterceptor } from './inference-audit.interceptor';
import { InferenceMetricsInterceptor } from './inference-metrics.interceptor';
import { InferenceTraceInterceptor } from './inference-trace.interceptor';
import { OutputCheckInterceptor } from './output-check.interceptor';

/**
 * The interceptors of an inference call, outermost first, run in ONE Nest interceptor slot.
 *
 * Why not six `@UseInterceptors` entries: Nest wraps every interceptor it runs in
 * `AsyncResource.bind()`, which costs about 12 µs of CPU per bind on Node 20 (property definitions on a
 * fresh bound function), one per interceptor plus one for the handler: six interceptors measured
 * ~100 µs per request, a fifth of the whole chain's CPU, against ~32 µs for one slot (see
 * bench/interceptor-chain.bench.ts). Chained here, each concern still is a plain
 * NestInterceptor in its own file (usable alone with @UseInterceptors), in the same order and with
 * the same Observable contract; the async context the handler runs in is Nest's, bound when the
 * innermost `handle()` is called (inside the trace span when there is one).
 *
 * Order: the span around everything; metrics and audit see every outcome, including the 409/422/503
 * of the idempotency store and the 502 of the output rule; Deprecation headers go on replays too;
 * the output rule applies before an answer is stored for replay.
 */
@Injectable()
export class InferencePipelineInterceptor implements NestInterceptor {
  private readonly chain: readonly NestInterceptor[];

  constructor(
    trace: InferenceTraceInterceptor,
    metrics: InferenceMetricsInterceptor,
    audit: InferenceAuditInterceptor,
    deprecation: DeprecationHeadersInterceptor,
    idempotency: IdempotencyInterceptor,
    outputCheck: OutputCheckInterceptor,
  ) {
    this.chain = [trace, metrics, audit, deprecation, idempotency, outputCheck];
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // Opened here so that a 401 (no principal) is answered before any concern runs.
    callContextOf(context);
    return new ChainCursor(this.chain, context, next).handle();
  }
}

/**
 * The CallHandler each interceptor of the chain gets: one object per request, advanced by each
 * `handle()` (every interceptor calls it at most once, in order). A synchronous throw becomes an error
 * notification, so that the outer interceptors (audit, metrics) see it as they would from Nest.
 */
class ChainCursor implements CallHandler {
  private index = 0;

  constructor(
    private readonly chain: readonly NestInterceptor[],
    private readonly context: ExecutionContext,
    private readonly last: CallHandler,
  ) {}

  handle(): Observable<unknown> {
    const index = this.index++;
    if (index >= this.chain.length) return this.last.handle();
    try {
      return this.chain[index].intercept(this.context, this) as Observable<unknown>;
    } catch (error) {
      return throwError(() => error);
    }
  }
}
