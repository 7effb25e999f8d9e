/**
 * Validation cost per inference request (issue 6, "bench/: validation cost per request for a
 * 100-feature schema"): a compiled input contract checking a native row and the same row as a KServe
 * v2 request, the PII scan of that payload, and the hardened JSON body parser, each against
 * JSON.parse of the same payload in the same run (the baseline every request pays anyway).
 *
 *   node -r @swc-node/register bench/validation.bench.ts [iterations]
 *
 * Exits non-zero when a cached native check costs more than 10× JSON.parse of its own body.
 */
import 'reflect-metadata';
import { parseJsonBody } from '../libs/common/src/http/json-body';
import { ContractCompiler } from '../libs/validation/src/contract/contract-compiler';
import type { Feature } from '../libs/validation/src/contract/input-contract';
import { piiRule } from '../libs/validation/src/contract/contract-document';
import { PiiScanner } from '../libs/validation/src/pii/pii-scanner';

const MAX_RATIO_TO_PARSE = 10;
const iterations = Math.max(20_000, Number(process.argv[2] ?? 0) || 0);
let sink = 0;

/** 100 features: 40 numbers, 20 integers, 10 booleans, 15 strings, 10 enums, 5 small tensors. */
function features(): Feature[] {
  const list: Feature[] = [];
  const add = (count: number, make: (i: number) => Omit<Feature, 'required'>) => {
    for (let i = 0; i < count; i++) list.push({ required: true, ...make(i) });
  };
  add(40, (i) => ({ name: `num_${i}`, type: 'number', minimum: -1e6, maximum: 1e6 }));
  add(20, (i) => ({ name: `int_${i}`, type: 'integer', minimum: 0, maximum: 10_000 }));
  add(10, (i) => ({ name: `flag_${i}`, type: 'boolean' }));
  add(15, (i) => ({ name: `text_${i}`, type: 'string', maxLength: 64, ...(i % 3 === 0 ? { pattern: '^[A-Za-z0-9 ._-]*$' } : {}) }));
  add(10, (i) => ({ name: `cat_${i}`, type: 'enum', values: ['alpha', 'beta', 'gamma', 'delta'] }));
  add(5, (i) => ({ name: `vec_${i}`, type: 'tensor', datatype: 'FP32', shape: [8], minimum: -10, maximum: 10 }));
  return list;
}

function value(feature: Feature, i: number): unknown {
  switch (feature.type) {
    case 'number':
      return 1234.5 + i;
    case 'integer':
      return 42 + i;
    case 'boolean':
      return i % 2 === 0;
    case 'string':
      return `customer note ${i} with ordinary words`;
    case 'enum':
      return 'gamma';
    default:
      return Array.from({ length: 8 }, (_, k) => k * 0.5 - 2);
  }
}

function v2Datatype(feature: Feature): string {
  return { number: 'FP64', integer: 'INT32', boolean: 'BOOL', string: 'BYTES', enum: 'BYTES', tensor: 'FP32' }[feature.type];
}

interface Result {
  name: string;
  nsPerOp: number;
}

function measure(name: string, count: number, op: () => unknown): Result {
  for (let i = 0; i < Math.min(5_000, count); i++) op(); // warm-up: JIT, caches
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) if (op()) sink++;
  return { name, nsPerOp: Number(process.hrtime.bigint() - start) / count };
}

function main(): void {
  const contractFeatures = features();
  const row = Object.fromEntries(contractFeatures.map((f, i) => [f.name, value(f, i)]));
  const native = { inputs: row };
  const v2 = {
    inputs: contractFeatures.map((f, i) => ({
      name: f.name,
      datatype: v2Datatype(f),
      shape: f.type === 'tensor' ? [8] : [1],
      data: f.type === 'tensor' ? (value(f, i) as number[]) : [value(f, i)],
    })),
  };
  const nativeText = JSON.stringify(native);
  const v2Text = JSON.stringify(v2);
  const nativeBytes = Buffer.from(nativeText);
  const v2Bytes = Buffer.from(v2Text);

  const compiler = new ContractCompiler();
  const compileStart = process.hrtime.bigint();
  const contract = compiler.compile('bench@1', { features: contractFeatures, maxBatch: 100 });
  const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
  if (!contract.validateNative(native).ok || !contract.validateKserveV2(v2).ok) throw new Error('bench payloads must be valid');
  const invalid = { inputs: { ...row, num_0: 'x', int_3: -1, unknown: 1 } };
  if (contract.validateNative(invalid).ok) throw new Error('the invalid payload must be refused');

  const scanner = new PiiScanner();
  const rule = piiRule({
    input: { email: 'redact', phone: 'redact', paymentCard: 'reject', iban: 'reject', nationalId: 'redact', ipAddress: 'redact' },
  });
  if (scanner.scanInput(rule, native).matches.length !== 0) throw new Error('the bench payload carries no personal data');

  const results = [
    measure(`JSON.parse native body (${nativeBytes.length} B) — baseline`, iterations, () => JSON.parse(nativeText)),
    measure('hardened parseJsonBody native body (UTF-8, depth, keys, numbers)', iterations, () => parseJsonBody(nativeBytes, 64)),
    measure('validateNative, 100 features, valid row', iterations, () => contract.validateNative(native).ok),
    measure('validateNative, 100 features, 3 violations', iterations, () => contract.validateNative(invalid).ok),
    measure(`JSON.parse KServe v2 body (${v2Bytes.length} B)`, iterations, () => JSON.parse(v2Text)),
    measure('validateKserveV2, 100 inputs, valid', iterations, () => contract.validateKserveV2(v2).ok),
    measure('PII scanInput of the native body, 6 detectors, no match', iterations, () => scanner.scanInput(rule, native).action),
    measure('PII scanInput of the KServe v2 body', iterations, () => scanner.scanInput(rule, v2).action),
    measure('compiler.compile (cache hit)', iterations, () => compiler.compile('bench@1', null)),
  ];

  const baseline = results[0].nsPerOp;
  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`validation cost per request — 100-feature contract, node ${process.version}, ${iterations} iterations each`);
  console.log(`first compile (ajv, cache miss): ${compileMs.toFixed(1)} ms\n`);
  console.log(`${'operation'.padEnd(width)}  ${'ns/op'.padStart(10)}  ${'ops/s'.padStart(12)}  ${'× JSON.parse'.padStart(12)}`);
  for (const r of results) {
    const opsPerSecond = Math.round(1e9 / r.nsPerOp).toLocaleString('en-US');
    console.log(
      `${r.name.padEnd(width)}  ${r.nsPerOp.toFixed(0).padStart(10)}  ${opsPerSecond.padStart(12)}  ${(r.nsPerOp / baseline).toFixed(2).padStart(12)}`,
    );
  }
  const ratio = results[2].nsPerOp / baseline;
  console.log(`\nvalidateNative / JSON.parse of the same body = ${ratio.toFixed(2)}× (target < ${MAX_RATIO_TO_PARSE}×)  [sink ${sink}]`);
  if (!(ratio < MAX_RATIO_TO_PARSE)) {
    console.error(`FAIL: a native check costs ${ratio.toFixed(1)}× JSON.parse of its body`);
    process.exitCode = 1;
  }
}

main();
