import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { APP_CONFIG, type InfergateConfig } from '@infergate/common';
import { setTracingActive } from './tracing';

/**
 * OpenTelemetry tracing, only when `observability.otlpEndpoint` is set: a NodeTracerProvider with a
 * batching OTLP/HTTP (JSON) exporter, the AsyncLocalStorage context manager and W3C trace-context
 * propagation, registered globally. Without an endpoint nothing is registered, so every API call hits
 * OpenTelemetry's no-op tracer and the gateway's own helpers (withSpan) skip even that.
 *
 * The provider is registered when the service is constructed (module initialisation), so that the
 * request hooks, registered afterwards, see `enabled`; it is flushed and unregistered on shutdown.
 */
@Injectable()
export class TracingService implements OnApplicationShutdown {
  private readonly logger = new Logger(TracingService.name);
  private readonly provider: NodeTracerProvider | null;

  constructor(@Inject(APP_CONFIG) config: InfergateConfig) {
    const { otlpEndpoint, serviceName } = config.observability;
    this.provider = otlpEndpoint ? this.register(otlpEndpoint, serviceName) : null;
  }

  get enabled(): boolean {
    return this.provider !== null;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.provider) return;
    setTracingActive(false);
    try {
      await this.provider.shutdown(); // flushes the spans still batched
    } catch (error) {
      this.logger.warn({ event: 'tracing.shutdown_failed', err: error }, 'spans could not be flushed on shutdown');
    }
    trace.disable();
    context.disable();
    propagation.disable();
  }

  private register(endpoint: string, serviceName: string): NodeTracerProvider {
    const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces`, timeoutMillis: 5_000 });
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    provider.register();
    setTracingActive(true);
    this.logger.log({ event: 'tracing.enabled' }, 'exporting traces over OTLP/HTTP');
    return provider;
  }
}
