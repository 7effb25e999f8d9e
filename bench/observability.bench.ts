/**
 * Per-request cost of observability (issue 8): what the response hook does for every request (HTTP
 * metrics with cached label children, the anomaly detectors) and what withSpan() costs with tracing off.
 *
 *   node -r @swc-node/register bench/observability.bench.ts [iterations]
 *
 * Reports ns per request; exits non-zero when the hook's work is not well under 5 µs per request.
 */
import 'reflect-metadata';
import { validateOptions } from '@infergate/common';
import {
  AnomalyBlocklist,
  AnomalyService,
  GatewayMetrics,
  HttpMetricsRecorder,
  ObservabilityOptions,
  withSpan,
  type TrafficSample,
} from '@infergate/observability';

const TARGET_NS = 5_000;
const iterations = Math.max(200_000, Number(process.argv[2] ?? 0) || 0);
const ROUTES = ['/v1/models/:model/infer', '/v2/models/:model/infer', '/openai/v1/chat/completions', '/v1/usage'];
const CLIENTS = 1_000;
let sink = 0;

function time(name: string, fn: (i: number) => void): number {
  for (let i = 0; i < 20_000; i += 1) fn(i); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) fn(i);
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  process.stdout.write(`${name.padEnd(52)} ${ns.toFixed(0).padStart(6)} ns/request\n`);
  return ns;
}

const metrics = new GatewayMetrics({ processMetrics: false });
const recorder = new HttpMetricsRecorder(metrics);
const clock = {
  time: Date.now(),
  now() {
    return this.time;
  },
};
const anomalies = new AnomalyService(
  metrics,
  new AnomalyBlocklist(clock),
  validateOptions(ObservabilityOptions, {}, 'observability'),
  clock,
);
const sample: TrafficSample = { ip: '', status: 200 };
const ips = Array.from({ length: CLIENTS }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.7`);
const subjects = Array.from({ length: CLIENTS }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

const metricsNs = time('HTTP metrics (route, method, status, duration)', (i) => {
  recorder.record(ROUTES[i & 3], 'POST', i % 50 === 0 ? 429 : 200, 0.002);
});
const anomalyNs = time(`anomaly detectors (${CLIENTS} clients, 10 orgs, ~1000 req/s)`, (i) => {
  clock.time += 1; // 1000 requests per simulated second
  const client = i % CLIENTS;
  sample.ip = ips[client];
  sample.subject = subjects[client];
  sample.application = true;
  sample.orgId = `org-${client % 10}`;
  sample.status = i % 97 === 0 ? 404 : 200;
  sample.path = sample.status === 404 ? `/v1/models/m-${i & 7}` : undefined;
  anomalies.observe(sample);
});
const direct = time('a guard step called directly', (i) => {
  sink += i & 1;
});
const spanned = time('the same step through withSpan() (tracing off)', (i) => {
  sink += withSpan('step', () => i & 1);
});
process.stdout.write(`withSpan overhead with tracing off: ${(spanned - direct).toFixed(0)} ns\n`);
if (sink < 0) process.stdout.write('');
const total = metricsNs + anomalyNs;
process.stdout.write(`response hook total: ${total.toFixed(0)} ns/request (target < ${TARGET_NS} ns)\n`);
process.exit(total < TARGET_NS ? 0 : 1);
