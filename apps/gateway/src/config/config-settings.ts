// The env-variable <-> YAML-path reference of every setting; the README's table is generated from it.

/** One documented setting: where it lives in YAML, which variable overrides it, what it does. */
export interface ConfigSetting {
  env: string;
  path: string;
  description: string;
  /** Shown in the reference; omitted when the default is "unset". */
  default?: string;
  /** Environment values of list settings are comma separated. */
  list?: boolean;
}

/** The reference the README's configuration table is generated from (`npm run docs:config`). */
export const CONFIG_SETTINGS: readonly ConfigSetting[] = [
  {
    env: 'INFERGATE_PROFILE',
    path: 'profile',
    default: 'embedded',
    description: '`embedded` (SQLite, in-memory stores, no other process) or `production` (PostgreSQL, Redis, TLS).',
  },
  { env: 'HOST', path: 'server.host', default: '0.0.0.0', description: 'Address the HTTP server binds to.' },
  { env: 'PORT', path: 'server.port', default: '3000', description: 'Port the HTTP server listens on (0 picks a free port).' },
  {
    env: 'BODY_LIMIT_BYTES',
    path: 'server.bodyLimitBytes',
    default: '1048576',
    description: 'Largest request body accepted; larger ones are answered 413 before they are read.',
  },
  {
    env: 'TRUSTED_PROXY_CIDRS',
    path: 'server.trustedProxyCidrs',
    list: true,
    description: 'Comma-separated CIDRs of reverse proxies whose forwarding headers are believed.',
  },
  {
    env: 'TLS_CERT_FILE',
    path: 'server.tls.certFile',
    description: 'PEM certificate chain; with `TLS_KEY_FILE` the gateway serves HTTPS.',
  },
  { env: 'TLS_KEY_FILE', path: 'server.tls.keyFile', description: 'PEM private key for `TLS_CERT_FILE`.' },
  {
    env: 'TLS_CLIENT_CA_FILE',
    path: 'server.tls.clientCaFile',
    description: 'PEM CA bundle; when set (with HTTPS) the gateway asks for client certificates and verifies them against it (mutual TLS).',
  },
  {
    env: 'TLS_OFFLOADED',
    path: 'server.tls.offloaded',
    default: 'false',
    description: 'Declares that a TLS-terminating proxy is in front; lets `production` run without its own certificate.',
  },
  {
    env: 'DATABASE_URL',
    path: 'database.url',
    description: '`postgres://` URL. When set, PostgreSQL is used in any profile; required in `production`.',
  },
  {
    env: 'SQLITE_PATH',
    path: 'database.sqlitePath',
    default: './data/infergate.sqlite',
    description: 'SQLite database file used when `DATABASE_URL` is unset.',
  },
  {
    env: 'DATABASE_CONNECT_TIMEOUT_MS',
    path: 'database.connectTimeoutMs',
    default: '5000',
    description: 'Connection and health-check timeout for PostgreSQL.',
  },
  { env: 'DATABASE_POOL_SIZE', path: 'database.poolSize', default: '10', description: 'PostgreSQL connection pool size per replica.' },
  { env: 'REDIS_URL', path: 'redis.url', description: '`redis://` or `rediss://` URL. Required in `production`; optional in `embedded`.' },
  { env: 'REDIS_KEY_PREFIX', path: 'redis.keyPrefix', default: 'ig:', description: 'Prefix of every key infergate writes to Redis.' },
  {
    env: 'SHUTDOWN_DRAIN_DELAY_MS',
    path: 'shutdown.drainDelayMs',
    default: '0',
    description:
      'After SIGTERM, how long readiness answers 503 before the gateway stops taking new connections (give the load balancer time to notice).',
  },
  {
    env: 'SHUTDOWN_GRACE_MS',
    path: 'shutdown.graceMs',
    default: '25000',
    description: 'After SIGTERM, the longest in-flight requests may run before the process exits anyway.',
  },
  { env: 'LOG_LEVEL', path: 'log.level', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent.' },
  {
    env: 'ISSUER_URL',
    path: 'identity.issuer',
    default: 'http://localhost:3000',
    description: "The built-in authorization server's issuer (`iss` of its tokens, RFC 8414 metadata). Must be https in production.",
  },
  {
    env: 'TOKEN_AUDIENCE',
    path: 'identity.audience',
    default: 'infergate',
    description: '`aud` of issued tokens, and the audience required of tokens presented to the gateway.',
  },
  {
    env: 'ACCESS_TOKEN_TTL_SECONDS',
    path: 'identity.accessTokenTtlSeconds',
    default: '600',
    description: 'Lifetime of issued access tokens (30–3600).',
  },
  {
    env: 'SIGNING_ALGORITHM',
    path: 'identity.signingAlgorithm',
    default: 'ES256',
    description: 'Algorithm of new signing keys: ES256, RS256 or EdDSA.',
  },
  {
    env: 'SIGNING_KEY_ROTATION_DAYS',
    path: 'identity.signingKeyRotationDays',
    default: '30',
    description: 'A new signing key is published and then used after this many days.',
  },
  {
    env: 'MASTER_KEY',
    path: 'identity.masterKey',
    description: 'Base64 of 32 random bytes; encrypts signing keys and stored credentials (AES-256-GCM). Required in production.',
  },
  {
    env: 'MASTER_KEY_FILE',
    path: 'identity.masterKeyFile',
    default: './data/master.key',
    description: 'Embedded profile without `MASTER_KEY`: the key is generated into this file (mode 0600) on first start.',
  },
  {
    env: 'SECRET_ROTATION_OVERLAP_SECONDS',
    path: 'identity.secretRotationOverlapSeconds',
    default: '86400',
    description: 'After a client secret is rotated, how long the old one keeps working.',
  },
  {
    env: 'CLOCK_SKEW_SECONDS',
    path: 'identity.clockSkewSeconds',
    default: '30',
    description: "Clock skew tolerated on `exp`, `nbf` and `iat` of the gateway's own tokens (at most 60).",
  },
  {
    env: 'FAILED_AUTH_SLOW_AFTER',
    path: 'identity.failedAuthSlowAfter',
    default: '5',
    description: 'Failed client authentications from one source IP within the window after which answers are delayed.',
  },
  {
    env: 'FAILED_AUTH_BLOCK_AFTER',
    path: 'identity.failedAuthBlockAfter',
    default: '20',
    description: 'Failed client authentications from one source IP within the window after which it is refused for a while.',
  },
  {
    env: 'FAILED_AUTH_WINDOW_SECONDS',
    path: 'identity.failedAuthWindowSeconds',
    default: '300',
    description: 'Window over which failed client authentications are counted.',
  },
  {
    env: 'FAILED_AUTH_BLOCK_SECONDS',
    path: 'identity.failedAuthBlockSeconds',
    default: '900',
    description: 'How long a source stays refused once blocked.',
  },
  {
    env: 'POLICY_DIR',
    path: 'authorization.policyDir',
    default: './policies',
    description: 'Directory of the policy set (`*.yaml`); `tests/` below it holds the policy unit tests.',
  },
  {
    env: 'POLICY_WATCH',
    path: 'authorization.watchPolicies',
    default: 'true',
    description:
      'Reload the policy set when a file in `POLICY_DIR` changes (SIGHUP reloads too). An invalid set never replaces a valid one.',
  },
  {
    env: 'PLANS_DIR',
    path: 'throttling.plansDir',
    default: './plans',
    description:
      'Directory of the plan set (`*.yaml`): rate limits, quotas and concurrency per plan, and which organization has which plan.',
  },
  {
    env: 'RATE_LIMIT_FAIL_MODE',
    path: 'throttling.failMode',
    default: 'fail-closed',
    description:
      'When Redis is unreachable: `fail-closed` answers 503; `fail-open` limits each replica locally at the limit divided by `RATE_LIMIT_EXPECTED_REPLICAS`.',
  },
  {
    env: 'RATE_LIMIT_EXPECTED_REPLICAS',
    path: 'throttling.expectedReplicas',
    default: '1',
    description: 'How many replicas share the limits; divides them in fail-open mode.',
  },
  {
    env: 'CONCURRENCY_LEASE_MS',
    path: 'throttling.leaseMs',
    default: '120000',
    description: 'An in-flight slot not released within this time (a crashed replica) is freed.',
  },
  {
    env: 'PREAUTH_RATE_PER_SECOND',
    path: 'throttling.preAuthRatePerSecond',
    default: '100',
    description: 'Per client IP (IPv6 per /64), before authentication: requests per second.',
  },
  {
    env: 'PREAUTH_BURST',
    path: 'throttling.preAuthBurst',
    default: '200',
    description: 'Per client IP, before authentication: burst size.',
  },
  {
    env: 'UPSTREAM_ALLOWLIST',
    path: 'registry.upstreamAllowlist',
    list: true,
    description:
      'CIDRs or host names model endpoints may use although they are loopback, link-local, private or metadata addresses (refused otherwise).',
  },
  {
    env: 'MODELS_DIR',
    path: 'registry.modelsDir',
    default: './models',
    description: 'Directory of model files for the in-process `onnx` backend; a version names a file below it.',
  },
  {
    env: 'SEED_DEMO_MODEL',
    path: 'registry.seedDemoModel',
    description: 'Register the bundled ONNX demo model on first start. Defaults to true in `embedded`, false in `production`.',
  },
  {
    env: 'MAX_JSON_DEPTH',
    path: 'validation.maxJsonDepth',
    default: '64',
    description: 'Deepest nesting of objects and arrays accepted in a JSON request body.',
  },
  {
    env: 'UPSTREAM_CONNECT_TIMEOUT_MS',
    path: 'inference.connectTimeoutMs',
    default: '2000',
    description: 'Default deadline to connect to a model server (a version may set its own).',
  },
  {
    env: 'UPSTREAM_FIRST_BYTE_TIMEOUT_MS',
    path: 'inference.firstByteTimeoutMs',
    default: '30000',
    description: 'Default deadline for the first byte of the model server answer.',
  },
  {
    env: 'UPSTREAM_TOTAL_TIMEOUT_MS',
    path: 'inference.totalTimeoutMs',
    default: '60000',
    description: 'Default deadline for the whole upstream exchange, retries included; the client gets 504 at it.',
  },
  {
    env: 'UPSTREAM_MAX_RESPONSE_BYTES',
    path: 'inference.maxResponseBytes',
    default: '10485760',
    description: 'Largest model server answer accepted (a larger one becomes 502).',
  },
  {
    env: 'UPSTREAM_MAX_IN_FLIGHT',
    path: 'inference.maxInFlightPerUpstream',
    default: '64',
    description: 'Bulkhead: calls in flight per model server; excess calls are answered 503 at once.',
  },
  {
    env: 'UPSTREAM_MAX_RETRIES',
    path: 'inference.maxRetries',
    default: '2',
    description: 'Retries of a call that is safe to repeat (0–2), with full-jitter backoff inside the total deadline.',
  },
  {
    env: 'BREAKER_FAILURE_THRESHOLD',
    path: 'inference.breakerFailureThreshold',
    default: '5',
    description: 'Consecutive upstream failures that open the circuit breaker of a model server.',
  },
  {
    env: 'BREAKER_OPEN_MS',
    path: 'inference.breakerOpenMs',
    default: '10000',
    description: 'How long an open breaker fails fast before letting probes through (half-open).',
  },
  {
    env: 'BREAKER_HALF_OPEN_PROBES',
    path: 'inference.breakerHalfOpenProbes',
    default: '2',
    description: 'Successful probes in half-open state that close the breaker again.',
  },
  {
    env: 'IDEMPOTENCY_WINDOW_SECONDS',
    path: 'inference.idempotencyWindowSeconds',
    default: '86400',
    description: 'How long a response stored under an `Idempotency-Key` is replayed.',
  },
  {
    env: 'AUDIT_SPOOL_DIR',
    path: 'audit.spoolDir',
    default: './data/audit-spool',
    description: 'Durable local spool (append + fsync) for audit events while the database is unreachable.',
  },
  {
    env: 'AUDIT_BATCH_SIZE',
    path: 'audit.batchSize',
    default: '200',
    description: 'Audit events written to the database per batch.',
  },
  {
    env: 'AUDIT_FLUSH_INTERVAL_MS',
    path: 'audit.flushIntervalMs',
    default: '200',
    description: 'Longest an audit event waits in memory before its batch is written.',
  },
  {
    env: 'AUDIT_RETENTION_DAYS',
    path: 'audit.retentionDays',
    default: '365',
    description: 'Audit events older than this are pruned by the retention job (which records its own run).',
  },
  {
    env: 'METRICS_PORT',
    path: 'observability.metricsPort',
    default: '0',
    description:
      'When set, `/metrics` is also served without credentials on this management port (bound to `METRICS_HOST`); on the main port it needs `metrics:read`.',
  },
  {
    env: 'METRICS_HOST',
    path: 'observability.metricsHost',
    default: '127.0.0.1',
    description: 'Address of the management port.',
  },
  {
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    path: 'observability.otlpEndpoint',
    description: 'OTLP/HTTP endpoint for traces (e.g. `http://collector:4318`); tracing is off when unset.',
  },
  {
    env: 'OTEL_SERVICE_NAME',
    path: 'observability.serviceName',
    default: 'infergate',
    description: 'Service name on exported spans.',
  },
  {
    env: 'ANOMALY_BLOCK_SECONDS',
    path: 'observability.anomalyBlockSeconds',
    default: '0',
    description: 'When above 0, a client flagged by an anomaly detector is refused (429) for this long.',
  },
  {
    env: 'ANOMALY_WEBHOOK_URL',
    path: 'observability.anomalyWebhookUrl',
    description: 'Anomaly alerts are also POSTed as JSON to this URL.',
  },
  {
    env: 'ANOMALY_SPIKE_FACTOR',
    path: 'observability.anomalySpikeFactor',
    default: '5',
    description: "A client's request rate this many times its moving baseline is flagged as a spike.",
  },
  {
    env: 'ANOMALY_AUTH_FAILURES_PER_MINUTE',
    path: 'observability.anomalyAuthFailuresPerMinute',
    default: '30',
    description: 'Authentication failures per minute from one source that are flagged.',
  },
  {
    env: 'ANOMALY_DISTINCT_NOT_FOUND_PER_MINUTE',
    path: 'observability.anomalyDistinctNotFoundPerMinute',
    default: '50',
    description: 'Distinct paths answered 404 per minute to one client that are flagged as enumeration.',
  },
  {
    env: 'BOOTSTRAP_ADMIN_CLIENT_ID',
    path: 'bootstrap.adminClientId',
    description: 'Client id of the first platform-admin application, created on first start.',
  },
  {
    env: 'BOOTSTRAP_ADMIN_CLIENT_SECRET',
    path: 'bootstrap.adminClientSecret',
    description: 'Its secret (at least 32 characters in `production`); generated and printed once when unset.',
  },
];
