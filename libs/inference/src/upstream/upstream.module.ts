import { Module } from '@nestjs/common';
import { DatabaseCoreModule } from '@infergate/database';
import { IdempotencyService } from '../resilience/idempotency/idempotency.service';
import { idempotencyStoreProvider } from '../resilience/idempotency/idempotency-store.provider';
import { IDEMPOTENCY_STORE } from '../resilience/idempotency/idempotency.types';
import { UpstreamGuards } from '../resilience/upstream-guards';
import { UpstreamClient } from './upstream.client';
import { UpstreamPools } from './upstream-pools';

/**
 * The upstream side of inference: HTTP client, per-origin breakers and bulkheads, idempotency.
 * Needs INFERENCE_OPTIONS (InferenceModule.forRoot), GatewayMetrics and, when Redis is configured, REDIS_CLIENT.
 */
@Module({
  imports: [DatabaseCoreModule],
  providers: [UpstreamPools, UpstreamGuards, UpstreamClient, idempotencyStoreProvider, IdempotencyService],
  exports: [UpstreamClient, UpstreamGuards, IdempotencyService, IDEMPOTENCY_STORE],
})
export class UpstreamModule {}
