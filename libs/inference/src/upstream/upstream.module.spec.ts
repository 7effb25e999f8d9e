import { Test } from '@nestjs/testing';
import { ConfigModule, configSchema } from '@infergate/common';
import { ObservabilityModule } from '@infergate/observability';
import { IDEMPOTENCY_STORE, IdempotencyService, MemoryIdempotencyStore, UpstreamGuards } from '../resilience';
import { UpstreamClient } from './upstream.client';
import { UpstreamModule } from './upstream.module';

describe(UpstreamModule.name, () => {
  it('wires the client, guards and idempotency (memory store without Redis) from the global config and metrics', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(configSchema.parse({ inference: { maxInFlightPerUpstream: 7 } })),
        ObservabilityModule,
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
