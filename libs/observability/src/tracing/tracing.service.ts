import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { context, propagation, trace } from '@opentelemetry/api';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { setTracingActive } from './tracing';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability.options';

/**
 * OpenTelemetry tracing, only when `observability.otlpEndpoint` is set: a NodeTracerProvider with a
 * batching OTLP/HTTP (JSON) exporter, the AsyncLocalStorage context manager and W3C trace-context
 * propagation, registered globally. Without an endpoint nothing is registered, so every API call hits
 * OpenTelemetry's no-op tracer and the gateway's own helpers (withSpan) skip even that.
 *
 * The SDK packages (provider, exporter, resources) are loaded only when an endpoint is set: a gateway
 * without tracing does not carry them in memory. `enabled` is known from the configuration when the
 * service is constructed, so that the request hooks, registered afterwards, see it; the provider is
 * registered during module initialisation, before the application serves a request, and flushed and
 * unregistered on shutdown.
 */
@Injectable()
export class TracingService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TracingService.name);
  private readonly endpoint: string | undefined;
  private readonly serviceName: string;
  private provider: NodeTracerProvider | null = null;

  constructor(@Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions) {
    this.endpoint = options.otlpEndpoint;
    this.serviceName = options.serviceName;
  }

  get enabled(): boolean {
    return Boolean(this.endpoint);
  }

  async onModuleInit(): Promise<void> {
    if (this.endpoint && !this.provider) this.provider = await this.register(this.endpoint, this.serviceName);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.provider) return;
    setTracingActive(false);
    try {
      await this.provider.shutdown(); // flushes the spans still batched
    } catch (error) {
      this.logger.warn({ event: 'tracing.shutdown_failed', err: error }, 'spans could not be flushed on shutdown');
    }
    this.provider = null;
    trace.disable();
    context.disable();
    propagation.disable();
  }

  private async register(endpoint: string, serviceName: string): Promise<NodeTracerProvider> {
    const [{ OTLPTraceExporter }, { resourceFromAttributes }, { BatchSpanProcessor }, { NodeTracerProvider }] = await Promise.all([
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/sdk-trace-node'),
    ]);
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
