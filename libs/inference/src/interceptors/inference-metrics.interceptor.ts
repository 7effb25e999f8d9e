import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { tap, type Observable } from 'rxjs';
import { GatewayMetrics, LabelChildren } from '@infergate/observability';
import { callContextOf } from '../surfaces/call-context';
import type { CallContext } from '../surfaces/inference.types';
import { callOutcome, failureStatus, whenStreamEnds } from './call-outcome';

/**
 * `infergate_inference_requests_total{model,version,backend,outcome}` once per call (when a stream
 * ends, for a stream: 'ok' if it completed, 'rejected' if it was cut), and the backend time in
 * `infergate_inference_duration_seconds{model,version,backend}` when the backend was reached. Label
 * children are cached (LabelChildren): no label hashing per call.
 */
@Injectable()
export class InferenceMetricsInterceptor implements NestInterceptor {
  private readonly durations = new LabelChildren((model, version, backend) =>
    this.metrics.inferenceDuration.labels(model, version, backend),
  );
  private readonly calls = new LabelChildren((model, version, backend, outcome) =>
    this.metrics.inferenceRequests.labels(model, version, backend, outcome),
  );

  constructor(private readonly metrics: GatewayMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const call = callContextOf(context);
    return next.handle().pipe(
      tap({
        next: (body) => {
          if (call.streaming) whenStreamEnds(body as NodeJS.ReadableStream, (completed) => this.count(call, completed ? 'ok' : 'rejected'));
          else this.count(call, 'ok');
        },
        error: (error: unknown) => this.count(call, callOutcome(error, failureStatus(error))),
      }),
    );
  }

  private count(call: CallContext, outcome: string): void {
    const resolved = call.resolved;
    if (resolved === undefined) {
      this.calls.of('-', '-', '-', outcome).inc();
      return;
    }
    const model = resolved.model.name;
    const version = String(resolved.version.version);
    const backend = resolved.version.backend;
    if (call.backendStarted >= 0) {
      const ended = call.backendEnded >= 0 ? call.backendEnded : performance.now();
      this.durations.of(model, version, backend).observe((ended - call.backendStarted) / 1000);
    }
    this.calls.of(model, version, backend, outcome).inc();
  }
}
