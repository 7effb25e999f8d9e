import { Global, Module } from '@nestjs/common';
import { GatewayMetrics } from './metrics/gateway-metrics';

/** Metrics (and, with the observability issue, the /metrics endpoint, tracing and anomaly detection). */
@Global()
@Module({
  providers: [{ provide: GatewayMetrics, useFactory: () => new GatewayMetrics() }],
  exports: [GatewayMetrics],
})
export class ObservabilityModule {}
