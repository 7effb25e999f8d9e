import type { Counter, Histogram } from 'prom-client';
import type { GatewayMetrics } from './gateway-metrics';

/** The route label of requests no route matched (404s of unknown paths): raw paths never become labels. */
export const UNMATCHED_ROUTE = 'unmatched';

const STATUS_CLASSES = ['1xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

interface Children {
  requests: Counter.Internal;
  duration: Histogram.Internal<'route' | 'method' | 'status_class'>;
}

/**
 * Records infergate_http_requests_total and infergate_http_request_duration_seconds for one finished
 * request. Label children are resolved once per (route, method, status) and kept in nested maps, so
 * the steady state does no label hashing and builds no strings: two map lookups per level and two
 * increments.
 */
export class HttpMetricsRecorder {
  private readonly children = new Map<string, Map<string, Map<number, Children>>>();

  constructor(private readonly metrics: GatewayMetrics) {}

  record(route: string | undefined, method: string, status: number, durationSeconds: number): void {
    const template = route ?? UNMATCHED_ROUTE;
    let byMethod = this.children.get(template);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.children.set(template, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let child = byStatus.get(status);
    if (child === undefined) {
      child = {
        requests: this.metrics.httpRequests.labels(template, method, String(status)),
        duration: this.metrics.httpDuration.labels(template, method, STATUS_CLASSES[Math.floor(status / 100)] ?? 'other'),
      };
      byStatus.set(status, child);
    }
    child.requests.inc();
    child.duration.observe(durationSeconds);
  }
}
