/**
 * Injection token for an extra OpenTelemetry `SpanProcessor` (from @opentelemetry/sdk-trace-base).
 * When a global module provides one, TracingService registers its tracer provider with it, endpoint
 * or not: a test gives `new SimpleSpanProcessor(new InMemorySpanExporter())` and reads the spans; a
 * deployment could give a processor over another exporter. Without it, spans go to the OTLP endpoint
 * (`observability.otlpEndpoint`) when one is set, and tracing stays off otherwise.
 */
export const SPAN_PROCESSOR = Symbol('SPAN_PROCESSOR');
