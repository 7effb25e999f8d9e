import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { context, propagation, trace } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { SPAN_PROCESSOR } from './span-processor.token';
import { setTracingActive } from './tracing';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability.options';

/**
 * OpenTelemetry tracing, only when `observability.otlpEndpoint` is set (or a SPAN_PROCESSOR is
 * provided): a NodeTracerProvider with a batching OTLP/HTTP (JSON) exporter, the AsyncLocalStorage
 * context manager and the W3C TraceContext propagator (the one the upstream call injects with),
 * registered globally. Without either nothing is registered, so every API call hits OpenTelemetry's
 * no-op tracer and the gateway's own helpers (withSpan, traced) skip even that. The span names are
 * listed with SPAN_NAMES (tracing.ts).
 *
 * The SDK packages (provider, exporter, resources) are loaded only when tracing is on: a gateway
 * without tracing does not carry them in memory. `enabled` is known (configuration, injected processor)
 * once the service is instantiated, so that the request hooks, registered afterwards, see it; the provider is
 * registered during module initialisation, before the application serves a request, and flushed and
 * unregistered on shutdown.
 */
@Injectable()
export class TracingService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TracingService.name);
  private readonly endpoint: string | undefined;
  private readonly serviceName: string;
  private provider: NodeTracerProvider | null = null;

  /** A processor given by the application (property injection: the constructor stays config-only). */
  @Optional()
  @Inject(SPAN_PROCESSOR)
  private readonly processor?: SpanProcessor;

  constructor(@Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions) {
    this.endpoint = options.otlpEndpoint;
    this.serviceName = options.serviceName;
  }

  get enabled(): boolean {
    return Boolean(this.endpoint) || this.processor !== undefined;
  }

  async onModuleInit(): Promise<void> {
    if (this.enabled && !this.provider) this.provider = await this.register(this.endpoint, this.serviceName);
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

  private async register(endpoint: string | undefined, serviceName: string): Promise<NodeTracerProvider> {
    const [{ W3CTraceContextPropagator }, { resourceFromAttributes }, { BatchSpanProcessor }, { NodeTracerProvider }] = await Promise.all([
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/sdk-trace-node'),
    ]);
    const spanProcessors: SpanProcessor[] = this.processor ? [this.processor] : [];
    if (endpoint) {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces`, timeoutMillis: 5_000 });
      spanProcessors.push(new BatchSpanProcessor(exporter));
    }
    const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), spanProcessors });
    // W3C TraceContext only: what the server span extracts and the upstream call injects. (The SDK's
    // default adds W3C Baggage, which would re-serialise a client's baggage header the gateway
    // forwards as it is anyway.)
    provider.register({ propagator: new W3CTraceContextPropagator() });
    setTracingActive(true);
    this.logger.log({ event: 'tracing.enabled' }, endpoint ? 'exporting traces over OTLP/HTTP' : 'tracing to the provided span processor');
    return provider;
  }
}
