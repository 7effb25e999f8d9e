/**
 * Upstream isolation (issue 7: "a healthy model's p99 latency rises by less than 10% while another
 * model is failing"), measured at the upstream client: calls to a healthy model server, alone and
 * while a second model server on another origin hangs (its bulkhead fills, excess is refused) or
 * answers 500 (its circuit opens), the failing model receiving a steady FAILING_RATE calls per second.
 * The model servers run in a child process, so the measured process is the gateway side only.
 * Rounds alternate the conditions; the median p99 of each is reported.
 *
 *   npm run bench:isolation -- [requests-per-round] [rounds]
 *
 * Exits non-zero when the healthy p99 under either failure exceeds 1.10× its p99 alone.
 */
import 'reflect-metadata';
import { once } from 'node:events';
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateOptions } from '@infergate/common';
import { InferenceModuleOptions } from '@infergate/inference';
import { RegistryOptions } from '@infergate/model-registry';
import type { ResolvedModelVersion } from '../libs/model-registry/src/model-registry.types';
import { GatewayMetrics } from '../libs/observability/src/metrics/gateway-metrics';
import { UpstreamGuards } from '../libs/inference/src/resilience/upstream-guards';
import { UpstreamClient } from '../libs/inference/src/upstream/upstream.client';
import { UpstreamPools } from '../libs/inference/src/upstream/upstream-pools';

const MAX_P99_RATIO = 1.1;
// A p99 needs many samples to be stable: 20,000 calls per condition and round, 5 rounds.
const requestsPerRound = Math.max(20_000, Number(process.argv[2]) || 0);
const rounds = Math.max(5, Number(process.argv[3]) || 0);
const HEALTHY_CONCURRENCY = 8;
/** Calls per second sent to the failing model, in bursts every 10 ms. */
const FAILING_RATE = 1_000;
const ANSWER = JSON.stringify({ model_name: 'm', outputs: [{ name: 'p', shape: [1], datatype: 'FP32', data: [0.5] }] });
const BODY = JSON.stringify({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });

type Condition = 'alone' | 'other-hangs' | 'other-fails-500';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer({ keepAliveTimeout: 60_000 }, handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

type ServerUrls = Record<'healthy' | 'hanging' | 'failing', string>;

/** The child process: the three model servers; sends their URLs to the parent. */
async function serveModels(): Promise<void> {
  const urls: ServerUrls = {
    healthy: await listen((req, res) => {
      req.resume();
      req.on('end', () => res.end(ANSWER));
    }),
    hanging: await listen((req) => req.resume()),
    failing: await listen((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = 500;
        res.end('{"error":"boom"}');
      });
    }),
  };
  process.send?.(urls);
  process.on('disconnect', () => process.exit(0));
}

function version(url: string, name: string): ResolvedModelVersion {
  return {
    cacheKey: name,
    model: { id: name, orgId: 'org', projectId: null, name, sensitivity: 'internal' },
    version: {
      id: name,
      version: 1,
      stage: 'production',
      region: null,
      backend: 'kserve-v2',
      endpoint: { kind: 'http', url, maxInFlight: 16 },
      inputContract: { features: [], maxBatch: 1 },
      outputSchema: null,
      piiRule: null,
      cost: { units: 1, per: 'request' },
      deprecation: null,
    },
    resolvedBy: { alias: 'production' },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const child = fork(__filename, ['--serve-models'], { execArgv: ['-r', '@swc-node/register'] });
  const [urls] = (await once(child, 'message')) as [ServerUrls];

  const config = validateOptions(InferenceModuleOptions, { totalTimeoutMs: 2_000, breakerOpenMs: 60_000 }, 'inference');
  const pools = new UpstreamPools(new RegistryOptions());
  const client = new UpstreamClient(config, pools, new UpstreamGuards(config, new GatewayMetrics({ processMetrics: false })));
  const healthyVersion = version(urls.healthy, 'healthy');
  let id = 0;
  const call = (target: ResolvedModelVersion) =>
    client.send(target, { method: 'POST', path: '/v2/models/m/infer', body: BODY, idempotent: false, requestId: `b-${(id += 1)}` });

  async function measure(condition: Condition): Promise<number[]> {
    const noise: Promise<unknown>[] = [];
    let timer: NodeJS.Timeout | undefined;
    if (condition !== 'alone') {
      const target = version(condition === 'other-hangs' ? urls.hanging : urls.failing, condition);
      timer = setInterval(() => {
        for (let i = 0; i < FAILING_RATE / 100; i += 1) noise.push(call(target).catch(() => undefined));
      }, 10);
    }
    const latencies: number[] = [];
    let remaining = requestsPerRound;
    await Promise.all(
      Array.from({ length: HEALTHY_CONCURRENCY }, async () => {
        while (remaining > 0) {
          remaining -= 1;
          const started = process.hrtime.bigint();
          await call(healthyVersion);
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }),
    );
    clearInterval(timer);
    await Promise.all(noise);
    return latencies.sort((a, b) => a - b);
  }

  await measure('alone'); // warm-up: sockets, JIT
  const p99: Record<Condition, number[]> = { alone: [], 'other-hangs': [], 'other-fails-500': [] };
  const p50: Record<Condition, number[]> = { alone: [], 'other-hangs': [], 'other-fails-500': [] };
  for (let round = 0; round < rounds; round += 1) {
    for (const condition of ['alone', 'other-hangs', 'other-fails-500'] as const) {
      const sorted = await measure(condition);
      p99[condition].push(percentile(sorted, 99));
      p50[condition].push(percentile(sorted, 50));
    }
  }

  const alone = median(p99.alone);
  let failed = false;
  console.log(`upstream isolation: ${rounds} rounds × ${requestsPerRound} healthy calls, concurrency ${HEALTHY_CONCURRENCY}`);
  for (const condition of Object.keys(p99) as Condition[]) {
    const ratio = median(p99[condition]) / alone;
    if (condition !== 'alone' && ratio > MAX_P99_RATIO) failed = true;
    console.log(
      `${condition.padEnd(16)} p50 ${median(p50[condition]).toFixed(3)} ms  p99 ${median(p99[condition]).toFixed(3)} ms  p99 ratio ${ratio.toFixed(3)}`,
    );
  }
  // The price of isolation: what one refused call (open circuit) costs the gateway's event loop.
  const refused = version(urls.failing, 'other-fails-500');
  const refusals = 20_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < refusals; i += 1) await call(refused).catch(() => undefined);
  console.log(`refused call (circuit open): ${(Number(process.hrtime.bigint() - started) / 1e3 / refusals).toFixed(2)} µs each`);

  await pools.onApplicationShutdown();
  child.disconnect();
  if (failed) {
    console.log(`FAIL: healthy p99 rose above ${MAX_P99_RATIO}× while another upstream was failing`);
    process.exitCode = 1;
  }
}

void (process.argv.includes('--serve-models') ? serveModels() : main());
