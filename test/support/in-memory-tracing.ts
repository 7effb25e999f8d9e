import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { setTracingActive } from '@infergate/observability';

/**
 * Tracing switched on for a suite, with every finished span kept in memory: a registered provider with
 * W3C propagation and the gateway's "tracing active" flag set. `start()` in beforeAll, `stop()` in
 * afterAll (it also unregisters OpenTelemetry's globals, so later suites in the worker start clean).
 */
export function inMemoryTracing() {
  const exporter = new InMemorySpanExporter();
  let provider: NodeTracerProvider | undefined;
  return {
    exporter,
    start(): void {
      provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      provider.register({ propagator: new W3CTraceContextPropagator() });
      setTracingActive(true);
    },
    async stop(): Promise<void> {
      setTracingActive(false);
      await provider?.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
