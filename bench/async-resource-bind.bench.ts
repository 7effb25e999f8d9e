/**
 * Per-call cost of `AsyncResource.bind()`, which Nest's InterceptorsConsumer calls once per interceptor
 * of a route and once for the handler, on every request: Node's own (which, on Node 20, defines the
 * deprecated `asyncResource` accessor through two util.deprecate wrappers on every bound function)
 * against installCheapAsyncResourceBind's, in one process, Node's first.
 *
 *   node -r @swc-node/register bench/async-resource-bind.bench.ts [iterations]
 *
 * Reports CPU ns per bind and the ratio; exits non-zero when the replacement is not cheaper.
 */
import { AsyncResource } from 'node:async_hooks';
import { installCheapAsyncResourceBind } from '../libs/common/src/runtime/async-resource-bind';

const iterations = Math.max(50_000, Number(process.argv[2] ?? 0) || 0);
const ROUNDS = 5;
const handler = (): number => 1;

function nsPerBind(): number {
  let sink = 0;
  for (let i = 0; i < iterations / 10; i++) sink += AsyncResource.bind(handler)();
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) sink += AsyncResource.bind(handler)();
    const used = process.cpuUsage(start);
    samples.push(((used.user + used.system) * 1000) / iterations);
  }
  if (sink === 0) throw new Error('unreachable');
  return samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

const nodeBind = nsPerBind();
if (!installCheapAsyncResourceBind()) {
  console.log(`AsyncResource.bind: ${nodeBind.toFixed(0)} ns per bind; this Node defines no deprecated accessor, nothing replaced`);
  process.exit(0);
}
const cheapBind = nsPerBind();
const ratio = cheapBind / nodeBind;
console.log(`AsyncResource.bind, CPU per bind+call (median of ${ROUNDS} × ${iterations}, ${process.version})`);
console.log(`  Node's bind:        ${nodeBind.toFixed(0)} ns`);
console.log(`  cheap bind:         ${cheapBind.toFixed(0)} ns`);
console.log(`  ratio cheap/Node:   ${ratio.toFixed(3)}`);
process.exitCode = ratio < 1 ? 0 : 1;
