import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, pathWithoutQuery, problemType } from '@infergate/common';
import { AnomalyBlocklist } from '../anomaly/anomaly-blocklist';
import { AnomalyService } from '../anomaly/anomaly.service';
import type { TrafficSample } from '../anomaly/anomaly.types';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { HttpMetricsRecorder, UNMATCHED_ROUTE } from '../metrics/http-metrics.recorder';
import { TracingService } from '../tracing/tracing.service';
import { TRACER_NAME } from '../tracing/tracing';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability.options';

/** What the guard leaves on the request, read structurally (observability cannot import identity). */
interface PrincipalShape {
  kind?: string;
  subject?: string;
  orgId?: string | null;
}

interface TracedRequest {
  otelSpan: Span | null;
  otelContext: Context | null;
}

/** The raw request carries the trace id for the request logger (libs/common/src/logging). */
export const RAW_TRACE_ID = 'traceId';

const registered = new WeakSet<object>();

/**
 * Registers the gateway's observability hooks on the Fastify instance, once, when the module starts:
 *
 * - onRequest: refuse a client IP an anomaly detector blocked (429 problem, Retry-After; health
 *   probes excepted), and, with
 *   tracing on, start the request's server span, continuing an incoming W3C traceparent;
 * - preHandler (tracing on): run the route (guards, pipes, handler) inside the server span's context,
 *   so that withSpan()/traced() in guards and services, and the upstream client's span, are its
 *   children (the span names: SPAN_NAMES in tracing/tracing.ts);
 * - onResponse: HTTP metrics by route template, the anomaly detectors, and the end of the server span.
 *
 * Hooks added here run after those of registerHttpHooks (request id) and the pre-auth limiter, which
 * gateway.ts registers before the application is created. With tracing off, no tracing hook exists.
 */
@Injectable()
export class ObservabilityHooks implements OnModuleInit {
  private readonly recorder: HttpMetricsRecorder;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly tracing: TracingService,
    private readonly anomalies: AnomalyService,
    private readonly blocklist: AnomalyBlocklist,
    metrics: GatewayMetrics,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {
    this.recorder = new HttpMetricsRecorder(metrics);
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getType?: () => string; getInstance?: () => unknown } | undefined;
    if (adapter?.getType?.() !== 'fastify') return;
    const fastify = adapter.getInstance!() as FastifyInstance;
    if (registered.has(fastify)) return;
    registered.add(fastify);
    if (this.tracing.enabled) this.registerTracing(fastify);
    if (this.options.anomalyBlockSeconds > 0) this.registerBlocking(fastify);
    this.registerResponseHook(fastify);
  }

  private registerTracing(fastify: FastifyInstance): void {
    fastify.decorateRequest('otelSpan', null);
    fastify.decorateRequest('otelContext', null);
    const tracer = trace.getTracer(TRACER_NAME);
    fastify.addHook('onRequest', (request, _reply, done) => {
      const parent = propagation.extract(ROOT_CONTEXT, request.headers);
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      const span = tracer.startSpan(
        `${request.method} ${route}`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route } },
        parent,
      );
      const traced = request as unknown as TracedRequest;
      traced.otelSpan = span;
      traced.otelContext = trace.setSpan(parent, span);
      (request.raw as unknown as Record<string, unknown>)[RAW_TRACE_ID] = span.spanContext().traceId;
      done();
    });
    fastify.addHook('preHandler', (request, _reply, done) => {
      const ctx = (request as unknown as TracedRequest).otelContext;
      // The handler runs synchronously from done(): the whole Nest pipeline inherits this context.
      if (ctx) context.with(ctx, done);
      else done();
    });
  }

  private registerBlocking(fastify: FastifyInstance): void {
    fastify.decorateRequest('anomalyRefused', false);
    fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      // Load-balancer probes pass: a blocked address behind a shared proxy must not take the replica out.
      if (request.url.startsWith('/health/')) return done();
      const retryAfter = this.blocklist.retryAfterSeconds(AnomalyBlocklist.ipKey(request.ip));
      if (retryAfter === 0) return done();
      (request as unknown as { anomalyRefused?: boolean }).anomalyRefused = true;
      const body = {
        type: problemType('client-blocked'),
        title: 'Too Many Requests',
        status: 429,
        detail: `Requests from this client are refused for now. Retry after ${retryAfter} s.`,
        instance: pathWithoutQuery(request.url),
        requestId: String(request.id),
      };
      void reply.code(429).header('Retry-After', String(retryAfter)).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
    });
  }

  private registerResponseHook(fastify: FastifyInstance): void {
    // One sample object, refilled per request: observe() is synchronous and keeps nothing of it.
    const sample: TrafficSample = { ip: '', status: 0 };
    fastify.addHook('onResponse', (request, reply, done) => {
      const status = reply.statusCode;
      const route = request.routeOptions.url;
      this.recorder.record(route, request.method, status, reply.elapsedTime / 1000);

      const span = (request as unknown as Partial<TracedRequest>).otelSpan;
      if (span) {
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: 2 });
        span.end();
      }

      // Requests the blocklist itself refused are not traffic the client chose: not fed back.
      if ((request as unknown as { anomalyRefused?: boolean }).anomalyRefused) return done();
      const principal = (request as unknown as { principal?: PrincipalShape }).principal;
      sample.ip = request.ip;
      sample.subject = principal?.subject;
      sample.application = principal?.kind === 'application';
      sample.orgId = principal?.orgId ?? undefined;
      sample.status = status;
      sample.path = status === 404 ? pathWithoutQuery(request.url) : undefined;
      this.anomalies.observe(sample);
      done();
    });
  }
}
