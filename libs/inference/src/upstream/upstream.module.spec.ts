import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { validateOptions } from '@infergate/common';
import { DatabaseModule } from '@infergate/database';
import { REGISTRY_OPTIONS, RegistryOptions } from '@infergate/model-registry';
import { ObservabilityModule } from '@infergate/observability';
import { INFERENCE_OPTIONS, InferenceModuleOptions } from '../inference.options';
import { IDEMPOTENCY_STORE, IdempotencyService, MemoryIdempotencyStore, UpstreamGuards } from '../resilience';
import { UpstreamClient } from './upstream.client';
import { UpstreamModule } from './upstream.module';

/** The options InferenceModule.forRoot and ModelRegistryModule.forRoot would provide. */
@Global()
@Module({
  providers: [
    { provide: INFERENCE_OPTIONS, useValue: validateOptions(InferenceModuleOptions, { maxInFlightPerUpstream: 7 }, 'inference') },
    { provide: REGISTRY_OPTIONS, useValue: new RegistryOptions() },
  ],
  exports: [INFERENCE_OPTIONS, REGISTRY_OPTIONS],
})
class TestOptionsModule {}

describe(UpstreamModule.name, () => {
  it('wires the client, guards and idempotency (memory store without Redis) from its options and the metrics', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TestOptionsModule,
        // No Redis configured: the memory idempotency store. The data source is never connected here.
        DatabaseModule.forRoot({ database: { sqlitePath: ':memory:' }, connectOnStart: false }),
        ObservabilityModule.forRoot({}),
        UpstreamModule,
      ],
    }).compile();
    try {
      expect(moduleRef.get(UpstreamClient)).toBeInstanceOf(UpstreamClient);
      expect(moduleRef.get(IdempotencyService)).toBeInstanceOf(IdempotencyService);
      expect(moduleRef.get(IDEMPOTENCY_STORE)).toBeInstanceOf(MemoryIdempotencyStore);
      const guard = moduleRef.get(UpstreamGuards).for('http://127.0.0.1:1');
      const releases = Array.from({ length: 7 }, () => guard.bulkhead.enter());
      expect(() => guard.bulkhead.enter()).toThrow();
      releases.forEach((release) => release());
    } finally {
      await moduleRef.close();
    }
  });
});
