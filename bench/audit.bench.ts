/**
 * Audit cost (issue 9, micro-benchmarks): AuditService.enqueue — hash the event into the chain and
 * queue it — which is all an inference request pays; then what the batched writer costs off the
 * request path, per event, and the longest stretch it keeps the event loop from turning (on SQLite
 * the driver is synchronous: that stretch is added to whatever request is waiting behind it).
 *
 * Events are recorded in rounds of one batch (AUDIT_BATCH_SIZE, 200 by default: 200 ms of traffic at
 * 1,000 req/s), each round flushed before the next, on a migrated SQLite file; and on PostgreSQL
 * too when TEST_DATABASE_URL is set (a scratch database is created and dropped). Then a backlog of
 * ten batches, as under saturation, is flushed at once.
 *
 *   node -r @swc-node/register bench/audit.bench.ts [events]
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node -r @swc-node/register bench/audit.bench.ts
 */
import 'reflect-metadata';
import type { AuditEventInput } from '@infergate/audit';
import { auditTestbed, removeTestbedDir, type AuditTestbed } from '../libs/audit/src/audit-testing';
import { createTestDatabase, dropTestDatabase } from '../test/support/postgres';

const events = Math.max(5_000, Number(process.argv[2] ?? 0) || 0);
const batch = Number(process.env.AUDIT_BATCH_SIZE ?? 200) || 200;
const BACKLOG_BATCHES = 10;

/** Shaped like an inference call's event: metadata and digests, never the payload. */
function inferenceEvent(i: number): AuditEventInput {
  return {
    actor: { type: 'application', id: 'app-bench' },
    orgId: 'org-bench',
    action: 'model.infer',
    resource: { type: 'ModelVersion', id: 'version-bench' },
    outcome: 'success',
    requestId: `req-${i}`,
    details: { model: 'm', version: 1, status: 200, durationMs: 1.2, inputDigest: 'sha256:bench', upstream: 'kserve-v2' },
  };
}

/**
 * The longest time between two turns of the event loop while `work` runs: a setImmediate chain
 * notes the gap between its callbacks. Only used on runs that are not timed for throughput (the
 * chain keeps the loop busy, which slows a writer that waits for the network).
 */
async function longestBlockMs(work: () => Promise<void>): Promise<number> {
  let longest = 0;
  let last = process.hrtime.bigint();
  let running = true;
  const tick = () => {
    const now = process.hrtime.bigint();
    longest = Math.max(longest, Number(now - last) / 1e6);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await work();
  } finally {
    running = false;
  }
  tick();
  return longest;
}

async function measure(label: string, bed: AuditTestbed): Promise<void> {
  let next = 0;
  const record = (n: number, samples?: number[]) => {
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint();
      bed.audit.enqueue(inferenceEvent(next++));
      samples?.push(Number(process.hrtime.bigint() - t) / 1000);
    }
  };
  // Warm-up (JIT, statement caches).
  for (let round = 0; round < 5; round++) {
    record(batch);
    await bed.audit.flush();
  }

  const samples: number[] = [];
  let enqueueNs = 0;
  let flushNs = 0;
  let flushCpuUs = 0;
  const rounds = Math.ceil(events / batch);
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    record(batch, samples);
    const flushing = process.hrtime.bigint();
    enqueueNs += Number(flushing - started);
    const cpu = process.cpuUsage();
    await bed.audit.flush();
    const used = process.cpuUsage(cpu);
    flushNs += Number(process.hrtime.bigint() - flushing);
    flushCpuUs += used.user + used.system;
  }
  const recorded = rounds * batch;

  // The longest block of each flush; the median over rounds says what the writer does, the worst
  // also catches WAL checkpoints, collections and (on a busy machine) the process being descheduled.
  const batchBlocks: number[] = [];
  for (let round = 0; round < 21; round++) {
    record(batch);
    batchBlocks.push(await longestBlockMs(() => bed.audit.flush()));
  }
  const backlogBlocks: number[] = [];
  for (let round = 0; round < 3; round++) {
    record(batch * BACKLOG_BATCHES);
    backlogBlocks.push(await longestBlockMs(() => bed.audit.flush()));
  }

  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))].toFixed(2);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)].toFixed(2);
  console.log(`${label}: ${recorded} inference-shaped events, batches of ${batch}`);
  console.log(`  enqueue (request path)   mean ${(enqueueNs / recorded / 1000).toFixed(2)} µs  p50 ${pct(50)} µs  p99 ${pct(99)} µs`);
  console.log(
    `  insert (off path)        ${(flushNs / recorded / 1000).toFixed(1)} µs/event elapsed, ` +
      `${(flushCpuUs / recorded).toFixed(1)} µs/event CPU in this process`,
  );
  console.log(
    `  longest event-loop block flushing one batch: median ${median(batchBlocks)} ms, worst ${Math.max(...batchBlocks).toFixed(2)} ms; ` +
      `a backlog of ${BACKLOG_BATCHES} batches: median ${median(backlogBlocks)} ms`,
  );
}

async function onTestbed(label: string, database: { databaseUrl?: string }): Promise<void> {
  const bed = await auditTestbed({ flushIntervalMs: 60_000, batchSize: batch, ...database });
  try {
    await measure(label, bed);
  } finally {
    await bed.close();
    removeTestbedDir(bed.dir);
  }
}

async function main(): Promise<void> {
  console.log(`audit, node ${process.version}`);
  await onTestbed('SQLite', {});
  if (process.env.TEST_DATABASE_URL) {
    const databaseUrl = await createTestDatabase();
    try {
      await onTestbed('PostgreSQL', { databaseUrl });
    } finally {
      await dropTestDatabase(databaseUrl);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
