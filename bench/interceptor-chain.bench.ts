/**
 * CPU per request of the interceptors around an inference call, as Nest runs them: no interceptor
 * (before issue 15), the six concerns as six `@UseInterceptors` entries, and the six chained in one
 * slot by InferencePipelineInterceptor (what @InferenceRoute() attaches). The concerns are
 * pass-throughs here: what is measured is the chain's own cost (Nest's InterceptorsConsumer binds
 * every interceptor's `handle()` with AsyncResource.bind, ~12 µs each on Node 20); the last variant runs
 * the real concerns (metrics, audit record built and its input digest, headers, idempotency and output
 * checks skipped as for a call without key or PII rule) on a resolved call.
 *
 *   node -r @swc-node/register bench/interceptor-chain.bench.ts [iterations]
 */
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { InterceptorsConsumer } from '@nestjs/core/interceptors/interceptors-consumer';
import { lastValueFrom, type Observable } from 'rxjs';
import type { AuditService } from '@infergate/audit';
import { GatewayMetrics } from '@infergate/observability';
import { DeprecationHeadersInterceptor } from '../libs/inference/src/interceptors/deprecation-headers.interceptor';
import { IdempotencyInterceptor } from '../libs/inference/src/interceptors/idempotency.interceptor';
import { InferenceAuditInterceptor } from '../libs/inference/src/interceptors/inference-audit.interceptor';
import { InferenceMetricsInterceptor } from '../libs/inference/src/interceptors/inference-metrics.interceptor';
import { InferencePipelineInterceptor } from '../libs/inference/src/interceptors/inference-pipeline.interceptor';
import { InferenceTraceInterceptor } from '../libs/inference/src/interceptors/inference-trace.interceptor';
import { OutputCheckInterceptor } from '../libs/inference/src/interceptors/output-check.interceptor';
import type { IdempotencyService } from '../libs/inference/src/resilience/idempotency/idempotency.service';
import type { PiiScreen } from '../libs/inference/src/surfaces/pii-screen';

const iterations = Math.max(20_000, Number(process.argv[2] ?? 0) || 0);
const ROUNDS = 5;

class PassThrough implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}

const six = (): NestInterceptor[] => Array.from({ length: 6 }, () => new PassThrough());
const [a, b, c, d, e, f] = six();
const pipeline = new InferencePipelineInterceptor(
  ...([a, b, c, d, e, f] as unknown as ConstructorParameters<typeof InferencePipelineInterceptor>),
);
// The real concerns, audit queueing left out (AuditService.record is a no-op: its cost is the writer's, off the path).
const realPipeline = new InferencePipelineInterceptor(
  new InferenceTraceInterceptor(),
  new InferenceMetricsInterceptor(new GatewayMetrics()),
  new InferenceAuditInterceptor({ record: () => Promise.resolve() } as unknown as AuditService),
  new DeprecationHeadersInterceptor(),
  new IdempotencyInterceptor({} as IdempotencyService),
  new OutputCheckInterceptor({} as PiiScreen),
);
const VARIANTS: Record<string, NestInterceptor[]> = {
  none: [],
  'six slots': six(),
  'one slot (pipeline)': [pipeline],
  'one slot, real concerns': [realPipeline],
};

/** A resolved call to a non-deprecated version without PII rules, no Idempotency-Key: the common case. */
const BODY = { inputs: { income: 52000, debt_ratio: 0.35, age: 41, credit_lines: 5, late_payments: 1, loan_amount: 15000 } };
const CALL = {
  surface: 'native',
  principal: { kind: 'application', subject: 'app-1', orgId: 'org-1' },
  requestId: 'req-1',
  started: 0,
  resolved: {
    model: { name: 'credit-risk', orgId: 'org-1' },
    version: { id: 'v1', version: 1, backend: 'onnx', deprecation: null, piiRule: null },
  },
  backendStarted: 1,
  backendEnded: 2,
  streaming: false,
  replay: undefined,
};

const consumer = new InterceptorsConsumer();
const instance = {};
function handler(): void {}

async function perRequestMicros(interceptors: NestInterceptor[], count: number): Promise<number> {
  const started = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    // The request already carries its CallContext: the pipeline's callContextOf() only reads it.
    const request = { inferenceCall: { ...CALL, request: { headers: {}, body: BODY }, reply: { statusCode: 200 }, notes: {} } };
    const result = await consumer.intercept(
      interceptors,
      [request, {}, undefined],
      instance,
      handler,
      () => Promise.resolve({ ok: 1 }),
      'http',
    );
    if (interceptors.length > 0) await lastValueFrom(result as Observable<unknown>);
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / count;
}

async function main(): Promise<void> {
  const results: Record<string, number[]> = {};
  for (const interceptors of Object.values(VARIANTS)) await perRequestMicros(interceptors, iterations / 4);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, interceptors] of Object.entries(VARIANTS))
      (results[name] ??= []).push(await perRequestMicros(interceptors, iterations));
  }
  for (const [name, values] of Object.entries(results)) {
    const sorted = [...values].sort((x, y) => x - y);
    console.log(`${name.padEnd(22)} ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} µs CPU per request (median of ${ROUNDS})`);
  }
}

void main();
