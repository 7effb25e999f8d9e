import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { composeLibModule, type OptionsInput } from '@infergate/common';
import { AnomalyBlocklist } from './anomaly/anomaly-blocklist';
import { AnomalyService } from './anomaly/anomaly.service';
import { ObservabilityHooks } from './http/observability-hooks';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { ManagementServer } from './metrics/management-server';
import { MetricsController } from './metrics/metrics.controller';
import { OBSERVABILITY_OPTIONS, ObservabilityOptions } from './observability.options';
import { TracingService } from './tracing/tracing.service';

/** What ObservabilityModule mounts; off unless asked for. */
export interface ObservabilityModuleExtras {
  /** `GET /metrics` on the application's own port (behind `metrics:read`). */
  metricsEndpoint?: boolean;
}

/** Holds ObservabilityModule's options (see composeLibModule). */
@Module({})
export class ObservabilityOptionsHolder {}

/** The options as the application passed them (before validation and defaults). */
export const OBSERVABILITY_MODULE_OPTIONS = Symbol('OBSERVABILITY_MODULE_OPTIONS');

export const {
  ConfigurableModuleClass: ConfigurableObservabilityModule,
  OPTIONS_TYPE: OBSERVABILITY_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: OBSERVABILITY_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OptionsInput<ObservabilityOptions>>({
  moduleName: 'Observability',
  optionsInjectionToken: OBSERVABILITY_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<ObservabilityModuleExtras>({ metricsEndpoint: false }, (definition, extras): DynamicModule => ({
    ...composeLibModule(definition, {
      holder: ObservabilityOptionsHolder,
      rawToken: OBSERVABILITY_MODULE_OPTIONS,
      token: OBSERVABILITY_OPTIONS,
      type: ObservabilityOptions,
      scope: 'observability',
      controllers: extras.metricsEndpoint ? [MetricsController] : [],
      providers: [
        { provide: GatewayMetrics, useFactory: () => new GatewayMetrics() },
        TracingService,
        AnomalyBlocklist,
        AnomalyService,
        ObservabilityHooks,
        ManagementServer,
      ],
      exports: [GatewayMetrics, TracingService, AnomalyBlocklist, AnomalyService, ManagementServer],
    }),
    // Global: metrics are recorded by every module, and the identity guard consults the AnomalyBlocklist.
    global: true,
  }))
  .build();

/**
 * Metrics (the catalogue, the management port and, with `metricsEndpoint: true`, GET /metrics),
 * tracing (only with an `otlpEndpoint`), the HTTP hooks that feed them, and anomaly detection. It
 * imports no domain library (they import it). Usage: `ObservabilityModule.forRoot({ metricsPort })`.
 */
@Module({})
export class ObservabilityModule extends ConfigurableObservabilityModule {}
