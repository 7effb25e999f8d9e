/**
 * Per-call cost of the cancellation wiring of a buffered upstream call: the client leaving, the total
 * deadline and one attempt's first-byte deadline, subscribed to by the exchange and released at the
 * end. The Cancellation class (what the gateway uses) against the same wiring with
 * AbortController/AbortSignal (what it used before), interleaved in one process.
 *
 *   node -r @swc-node/register bench/cancellation.bench.ts [iterations]
 *
 * Reports ns per call and the ratio; exits non-zero when Cancellation is not cheaper.
 */
import { Cancellation } from '../libs/inference/src/upstream/cancellation';

const iterations = Math.max(100_000, Number(process.argv[2] ?? 0) || 0);
const ROUNDS = 5;
const LONG = 60_000;

function withAbortSignals(): void {
  const client = new AbortController();
  const call = new AbortController();
  const total = setTimeout(() => call.abort('deadline'), LONG);
  const onClientAbort = (): void => call.abort('client');
  client.signal.addEventListener('abort', onClientAbort, { once: true });
  const attempt = new AbortController();
  call.signal.addEventListener('abort', () => attempt.abort(call.signal.reason), { once: true });
  const firstByte = setTimeout(() => attempt.abort('first-byte'), LONG);
  const onAbort = (): void => undefined;
  attempt.signal.addEventListener('abort', onAbort, { once: true });
  clearTimeout(firstByte);
  attempt.signal.removeEventListener('abort', onAbort);
  clearTimeout(total);
  client.signal.removeEventListener('abort', onClientAbort);
}

function withCancellation(): void {
  const client = new Cancellation();
  const call = new Cancellation();
  const total = setTimeout(() => call.abort('deadline'), LONG);
  const detachClient = client.onAbort(() => call.abort('client'));
  const attempt = call.child();
  const firstByte = setTimeout(() => attempt.abort('first-byte'), LONG);
  const detach = attempt.onAbort(() => undefined);
  clearTimeout(firstByte);
  detach();
  clearTimeout(total);
  detachClient();
}

function nsPerCall(fn: () => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

nsPerCall(withAbortSignals);
nsPerCall(withCancellation);
const signals: number[] = [];
const cancellations: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  signals.push(nsPerCall(withAbortSignals));
  cancellations.push(nsPerCall(withCancellation));
}
const before = median(signals);
const after = median(cancellations);
process.stdout.write(`AbortController/AbortSignal wiring   ${before.toFixed(0).padStart(7)} ns/call (median of ${ROUNDS})\n`);
process.stdout.write(`Cancellation wiring                  ${after.toFixed(0).padStart(7)} ns/call (median of ${ROUNDS})\n`);
process.stdout.write(`ratio                                ${(after / before).toFixed(3).padStart(7)} (Cancellation / AbortSignal)\n`);
if (after >= before) {
  process.stderr.write('Cancellation is not cheaper than the AbortSignal wiring\n');
  process.exitCode = 1;
}
