import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The gateway's metric catalogue: every series infergate exports, declared once. Label values are
 * bounded by construction: route templates (never raw paths), enum-like outcomes and reason codes,
 * registry names of models and versions, upstream origins; never principal or request ids.
 *
 * One instance per application (its own prom-client Registry), so that several gateways in one
 * process (tests) do not share counters. Modules get it by injecting GatewayMetrics.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'infergate_http_requests_total',
    help: 'HTTP requests answered, by route template, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'infergate_http_request_duration_seconds',
    help: 'Time from request to response, by route template, method and status class.',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly authentications = new Counter({
    name: 'infergate_authentications_total',
    help: 'Authentication attempts, by method (access_token, external_token, api_key, client_certificate, client_secret, private_key_jwt), outcome and reason code.',
    labelNames: ['method', 'outcome', 'reason'] as const,
    registers: [this.registry],
  });

  readonly authorizationDenials = new Counter({
    name: 'infergate_authorization_denials_total',
    help: 'Requests refused by policy, by subject type, action and deciding rule id.',
    labelNames: ['subject', 'action', 'rule'] as const,
    registers: [this.registry],
  });

  readonly rateLimitDecisions = new Counter({
    name: 'infergate_rate_limit_decisions_total',
    help: 'Rate-limit decisions, by the scope that decided (or "all" when admitted) and outcome (allowed, limited, quota_exhausted, concurrency, unavailable).',
    labelNames: ['scope', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Organization id → period → units spent: what recordQuotaUse noted, published when quotaUsed is collected. */
  private readonly quotaReadings = new Map<string, Map<string, number>>();

  /** Set at collection (a scrape) from recordQuotaUse's readings, not on every request. */
  readonly quotaUsed = new Gauge({
    name: 'infergate_quota_used_units',
    help: 'Quota units spent in the current period, by organization id and period (day, month). Organizations are admin-created, so bounded.',
    labelNames: ['org', 'period'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [org, periods] of this.quotaReadings) for (const [period, used] of periods) this.quotaUsed.labels(org, period).set(used);
    },
  });

  /**
   * Notes an organization's quota use in a period. Called for every rate-limit decision, so it only
   * stores the number; prom-client's label hashing happens once per scrape instead.
   */
  recordQuotaUse(org: string, period: string, used: number): void {
    let periods = this.quotaReadings.get(org);
    if (!periods) {
      periods = new Map();
      this.quotaReadings.set(org, periods);
    }
    periods.set(period, used);
  }

  readonly inferenceRequests = new Counter({
    name: 'infergate_inference_requests_total',
    help: 'Inference calls, by model, version, backend and outcome (ok, client_error, upstream_error, timeout, rejected, circuit_open, bulkhead_full).',
    labelNames: ['model', 'version', 'backend', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly inferenceDuration = new Histogram({
    name: 'infergate_inference_duration_seconds',
    help: 'Upstream time of inference calls, by model, version and backend.',
    labelNames: ['model', 'version', 'backend'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly circuitState = new Gauge({
    name: 'infergate_upstream_circuit_state',
    help: 'Circuit breaker state per upstream origin: 0 closed, 1 half-open, 2 open.',
    labelNames: ['upstream'] as const,
    registers: [this.registry],
  });

  readonly upstreamInFlight = new Gauge({
    name: 'infergate_upstream_in_flight',
    help: 'Calls in flight per upstream origin (the bulkhead fills up to its limit).',
    labelNames: ['upstream'] as const,
    registers: [this.registry],
  });

  readonly validationFailures = new Counter({
    name: 'infergate_validation_failures_total',
    help: 'Inference requests refused by the model input contract, by model and surface (native, kserve-v2, openai).',
    labelNames: ['model', 'surface'] as const,
    registers: [this.registry],
  });

  readonly piiMatches = new Counter({
    name: 'infergate_pii_matches_total',
    help: 'Personal data found, by detector, direction (input, output) and action taken. Never the value.',
    labelNames: ['detector', 'direction', 'action'] as const,
    registers: [this.registry],
  });

  readonly auditEvents = new Counter({
    name: 'infergate_audit_events_total',
    help: 'Audit events recorded, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly auditWriteFailures = new Counter({
    name: 'infergate_audit_write_failures_total',
    help: 'Audit batches the database refused (the events went to the spool).',
    registers: [this.registry],
  });

  readonly auditSpoolDepth = new Gauge({
    name: 'infergate_audit_spool_depth',
    help: 'Audit events waiting in the durable spool for the database.',
    registers: [this.registry],
  });

  readonly anomalies = new Counter({
    name: 'infergate_anomalies_total',
    help: 'Anomaly detections, by detector (rate_spike, auth_failures, enumeration, new_source).',
    labelNames: ['detector'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'infergate_' });
  }
}
