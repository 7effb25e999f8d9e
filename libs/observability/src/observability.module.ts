import { Global, Module } from '@nestjs/common';
import { AnomalyBlocklist } from './anomaly/anomaly-blocklist';
import { AnomalyService } from './anomaly/anomaly.service';
import { ObservabilityHooks } from './http/observability-hooks';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { ManagementServer } from './metrics/management-server';
import { MetricsController } from './metrics/metrics.controller';
import { TracingService } from './tracing/tracing.service';

/**
 * Metrics (the catalogue, GET /metrics, the management port), tracing (only with an OTLP endpoint),
 * the HTTP hooks that feed them, and anomaly detection. Global: every module injects GatewayMetrics,
 * and the identity guard the AnomalyBlocklist. It imports no domain library (they import it).
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    { provide: GatewayMetrics, useFactory: () => new GatewayMetrics() },
    TracingService,
    AnomalyBlocklist,
    AnomalyService,
    ObservabilityHooks,
    ManagementServer,
  ],
  exports: [GatewayMetrics, TracingService, AnomalyBlocklist, AnomalyService, ManagementServer],
})
export class ObservabilityModule {}
