/**
 * Audit cost on the request path (issue 9, micro-benchmarks): AuditService.enqueue — hash the event
 * into the chain and queue it — which is all an inference request pays; then how long the batched
 * writer takes to store what was queued (off the request path), on a migrated SQLite file.
 *
 *   node -r @swc-node/register bench/audit.bench.ts [events]
 */
import 'reflect-metadata';
import type { AuditEventInput } from '@infergate/audit';
import { auditTestbed, removeTestbedDir } from '../libs/audit/src/audit-testing';

const events = Math.max(5_000, Number(process.argv[2] ?? 0) || 0);

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

async function main(): Promise<void> {
  const bed = await auditTestbed({ LOG_LEVEL: 'silent', AUDIT_FLUSH_INTERVAL_MS: '60000', AUDIT_BATCH_SIZE: '10000' });
  try {
    for (let i = 0; i < 1_000; i++) bed.audit.enqueue(inferenceEvent(i)); // warm-up: JIT
    await bed.audit.flush();
    const samples: number[] = [];
    const started = process.hrtime.bigint();
    for (let i = 0; i < events; i++) {
      const t = process.hrtime.bigint();
      bed.audit.enqueue(inferenceEvent(i));
      samples.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    const enqueueTotalMs = Number(process.hrtime.bigint() - started) / 1e6;
    const flushStarted = process.hrtime.bigint();
    await bed.audit.flush();
    const flushMs = Number(process.hrtime.bigint() - flushStarted) / 1e6;
    samples.sort((a, b) => a - b);
    const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))].toFixed(2);
    console.log(`audit, ${events} inference-shaped events, node ${process.version}, SQLite`);
    console.log(`enqueue (request path)  mean ${((enqueueTotalMs * 1000) / events).toFixed(2)} µs  p50 ${pct(50)} µs  p99 ${pct(99)} µs`);
    console.log(
      `batched write (off path) ${flushMs.toFixed(0)} ms for ${events} events = ${((flushMs * 1000) / events).toFixed(1)} µs/event`,
    );
  } finally {
    await bed.close();
    removeTestbedDir(bed.dir);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
