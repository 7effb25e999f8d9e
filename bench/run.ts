/**
 * infergate benchmark harness (issue 9): the security tax, measured against peers in one run, on
 * 127.0.0.1 only. Starts the mock upstreams, nginx, the bare Node proxy and two gateways (memory and
 * Redis rate limiter), drives each target with wrk (saturation, one at a time, paced ~1k req/s),
 * alternating targets within each round, then runs the micro-benchmarks and writes
 * bench/results/latest.md and bench/results/latest.json.
 *
 *   npm run bench                 full: 5 rounds, 10 s per load
 *   npm run bench:quick           one short round (under 2 minutes)
 *   node -r @swc-node/register bench/run.ts [--quick] [--rounds N] [--duration S] [--warmup S]
 *        [--targets 1,2,5] [--log-level info] [--no-micro] [--pool N] [--out DIR] [--cpu-prof]
 *
 * --cpu-prof profiles the gateways during the load phase only (V8's profiler, started and stopped by
 * signal; profiles in <out>/raw/profiles/, gitignored) and adds the top cost centers to the results.
 * It slows the gateways, so its numbers are not comparable: use it with --targets 5 (or 4, 6, 7).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  BenchGateway,
  builtServer,
  createTenancy,
  gatewayNodeFlags,
  issueToken,
  issueTokenPool,
  startBenchGateway,
  type GatewayOptions,
  type Tenancy,
} from './harness/gateway';
import { summarizeProfiles } from './harness/cpu-profile';
import { machineFacts } from './harness/machine';
import { runMicroBenches } from './harness/micro';
import { registerBenchModel } from './harness/model-setup';
import { startNginxMock, startNginxProxy } from './harness/nginx';
import { cpuMicros, memoryMb, RssSampler } from './harness/proc-stats';
import { cleanupNow, installCleanupHandlers, registerTempDir, startProcess } from './harness/processes';
import { renderMarkdown, summarize, type RunRecord, type Sample, type TargetInfo } from './harness/report';
import { LOADS, missingTools, runWrk, type LoadShape } from './harness/wrk';

const REPO_ROOT = resolve(__dirname, '..');
/** AccessTokenVerifierService keeps 10,000 verified tokens; a pool larger than that makes every lookup miss. */
const VERIFIED_TOKEN_CACHE_ENTRIES = 10_000;

interface Options {
  quick: boolean;
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  targets?: Set<string>;
  logLevel: string;
  micro: boolean;
  pool: number;
  outDir: string;
  redisUrl: string;
  /** Directory for the gateways' V8 CPU profiles (`--cpu-prof`), or undefined. */
  cpuProfDir?: string;
}

function parseArgs(argv: string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  return {
    quick,
    rounds: Number(value('--rounds') ?? (quick ? 1 : 5)),
    durationSeconds: Number(value('--duration') ?? (quick ? 2 : 10)),
    warmupSeconds: Number(value('--warmup') ?? (quick ? 1 : 3)),
    targets: value('--targets') ? new Set(value('--targets')!.split(',')) : undefined,
    logLevel: value('--log-level') ?? 'info',
    micro: !argv.includes('--no-micro'),
    pool: Number(value('--pool') ?? (quick ? 500 : Math.round(VERIFIED_TOKEN_CACHE_ENTRIES * 1.2))),
    outDir: resolve(value('--out') ?? join(REPO_ROOT, 'bench', 'results')),
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    cpuProfDir: argv.includes('--cpu-prof') ? resolve(value('--out') ?? join(REPO_ROOT, 'bench', 'results'), 'raw', 'profiles') : undefined,
  };
}

/** A target as driven: where to send, what to send, which process to read CPU and memory of. */
interface Target extends TargetInfo {
  url?: string;
  bodyFile?: string;
  token?: string;
  tokensFile?: string;
  pid?: number;
  loads: readonly LoadShape[];
}

/** PING over a plain socket: is Redis there at all (no client library needed for that)? */
function redisReachable(url: string): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const timer = setTimeout(() => {
      socket.destroy();
      done(`no answer from ${hostname}:${port || 6379} within 2 s`);
    }, 2_000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      clearTimeout(timer);
      socket.destroy();
      done(data.toString().startsWith('+PONG') ? undefined : `unexpected answer: ${data.toString().trim().slice(0, 60)}`);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      done(`${hostname}:${port || 6379} unreachable (${(error as NodeJS.ErrnoException).code ?? error.message})`);
    });
  });
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 300);
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const missing = missingTools();
  if (missing) {
    console.error(missing);
    process.exit(1);
  }
  const options = parseArgs(process.argv.slice(2));
  installCleanupHandlers();
  const startedAt = new Date();
  const machine = machineFacts();
  const work = registerTempDir(mkdtempSync(join(tmpdir(), 'infergate-bench-')));
  log(
    `infergate bench — ${options.quick ? 'quick' : 'full'}: ${options.rounds} round(s), ${options.durationSeconds} s per load, warm-up ${options.warmupSeconds} s`,
  );
  log(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}, wrk ${machine.wrk}, nginx ${machine.nginx}, load ${machine.loadAverageAtStart}`,
  );

  // Bodies: an OIP v2 tensor for the plain proxies, the native row shape for the gateway's infer route.
  const responseJson = JSON.stringify(JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'upstream-response.json'), 'utf8')));
  const proxyBody = join(work, 'proxy-body.json');
  writeFileSync(proxyBody, JSON.stringify({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP64', data: [0.5, 1.5, 2.5, 3.5] }] }));

  // Upstreams, peers.
  const { process: mock, match: mockPort } = await startProcess(
    'mock upstream (node)',
    process.execPath,
    [builtServer('mock-upstream'), '0', join(REPO_ROOT, 'bench', 'upstream-response.json')],
    {
      readyLine: /^listening (\d+)/,
    },
  );
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  const nginxMock = await startNginxMock(join(work, 'nginx-mock'), responseJson);
  const nginxProxy = await startNginxProxy(join(work, 'nginx-proxy'), Number(mockPort));
  const { process: bare, match: barePort } = await startProcess(
    'bare node proxy',
    process.execPath,
    [builtServer('bare-proxy'), '0', mockUrl],
    { readyLine: /^listening (\d+)/ },
  );
  const nginxWorker = childPid(nginxProxy.process.pid);
  log(`upstream mock ${mockUrl}, nginx mock ${nginxMock.url}, nginx proxy ${nginxProxy.url}, bare proxy http://127.0.0.1:${barePort}`);

  const inferUpstream = `/v2/models/m/infer`;
  const targets: Target[] = [
    {
      id: 'mock-nginx',
      name: 'nginx mock, direct (mock capacity)',
      kind: 'mock',
      url: `${nginxMock.url}${inferUpstream}`,
      bodyFile: proxyBody,
      loads: LOADS.slice(0, 1),
    },
    {
      id: '1',
      name: 'direct: client → node mock',
      kind: 'peer',
      url: `${mockUrl}${inferUpstream}`,
      bodyFile: proxyBody,
      pid: mock.pid,
      loads: LOADS,
    },
    {
      id: '2',
      name: 'nginx proxy_pass (1 worker, keepalive)',
      kind: 'peer',
      url: `${nginxProxy.url}${inferUpstream}`,
      bodyFile: proxyBody,
      pid: nginxWorker,
      loads: LOADS,
    },
    {
      id: '3',
      name: 'bare node proxy (node:http + undici Pool)',
      kind: 'peer',
      url: `http://127.0.0.1:${barePort}${inferUpstream}`,
      bodyFile: proxyBody,
      pid: bare.pid,
      loads: LOADS,
    },
    { id: '4', name: 'infergate pass-through (public route, proxy only)', kind: 'gateway', loads: LOADS },
    { id: '5', name: 'infergate full chain, reused token', kind: 'gateway', loads: LOADS },
    { id: '6', name: 'infergate full chain, fresh tokens', kind: 'gateway', loads: LOADS },
    { id: '7', name: 'infergate full chain, Redis limiter', kind: 'gateway', loads: LOADS },
    { id: '8', name: 'infergate full chain, audit and HTTP metrics off', kind: 'gateway', loads: LOADS },
  ];
  const byId = (id: string) => targets.find((t) => t.id === id)!;
  const wanted = (id: string) => !options.targets || options.targets.has(id) || (id === 'mock-nginx' && options.targets.has('0'));
  for (const target of targets) if (!wanted(target.id)) target.unavailable = 'not selected (--targets)';

  const memory: RunRecord['memory'] = {};
  /**
   * A gateway serving one full-chain target (7, 8): started, set up, its RSS recorded at start and once
   * idle. A gateway that started is returned even when its setup failed (the target is then marked
   * unavailable), so that it is stopped with the others.
   */
  const fullChainGateway = async (
    id: string,
    label: string,
    key: string,
    extra: Pick<GatewayOptions, 'redisUrl' | 'observability'>,
  ): Promise<BenchGateway | undefined> => {
    let gateway: BenchGateway | undefined;
    try {
      gateway = await startBenchGateway({
        label,
        dataDir: join(work, `gw-${key}`),
        upstreamUrl: mockUrl,
        logLevel: options.logLevel,
        profileDir: profileDir(options, key),
        ...extra,
      });
      log(`gateway (${label}) ${gateway.url}, pid ${gateway.process.pid}`);
      memory[label] = { startedMb: await settledRss(gateway.process.pid) };
      const setup = await fullChainSetup(gateway, mockUrl, work, key);
      Object.assign(byId(id), { url: setup.url, bodyFile: setup.bodyFile, token: setup.token, pid: gateway.process.pid });
      memory[label] = { ...memory[label], idleMb: await settledRss(gateway.process.pid) };
    } catch (error) {
      byId(id).unavailable ??= reasonOf(error);
    }
    return gateway;
  };
  // Gateway 1: memory rate limiter (targets 4, 5, 6).
  let memoryGateway: BenchGateway | undefined;
  if (['4', '5', '6'].some(wanted)) {
    try {
      memoryGateway = await startBenchGateway({
        label: 'memory limiter',
        dataDir: join(work, 'gw-memory'),
        upstreamUrl: mockUrl,
        logLevel: options.logLevel,
        profileDir: profileDir(options, 'memory'),
      });
      log(`gateway (memory limiter) ${memoryGateway.url}, pid ${memoryGateway.process.pid}`);
      memory['memory limiter'] = { startedMb: await settledRss(memoryGateway.process.pid) };
      const pass = byId('4');
      Object.assign(pass, { url: `${memoryGateway.url}/bench/passthrough`, bodyFile: proxyBody, pid: memoryGateway.process.pid });
      await probe(pass);
    } catch (error) {
      for (const id of ['4', '5', '6']) byId(id).unavailable ??= `gateway did not start: ${reasonOf(error)}`;
    }
  }
  if (memoryGateway) {
    try {
      const setup = await fullChainSetup(memoryGateway, mockUrl, work, 'memory');
      Object.assign(byId('5'), { url: setup.url, bodyFile: setup.bodyFile, token: setup.token, pid: memoryGateway.process.pid });
      if (wanted('6')) {
        const tokensFile = join(work, 'tokens-memory.txt');
        const started = Date.now();
        await issueTokenPool(memoryGateway, setup.tenancy, options.pool, tokensFile);
        log(`token pool: ${options.pool} distinct tokens in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        Object.assign(byId('6'), {
          url: setup.url,
          bodyFile: setup.bodyFile,
          tokensFile,
          pid: memoryGateway.process.pid,
          poolSize: options.pool,
        });
      }
    } catch (error) {
      for (const id of ['5', '6']) byId(id).unavailable ??= reasonOf(error);
    }
    memory['memory limiter'] = { ...memory['memory limiter'], idleMb: await settledRss(memoryGateway.process.pid) };
  }

  // Gateway 2: Redis rate limiter (target 7).
  let redisGateway: BenchGateway | undefined;
  if (wanted('7')) {
    const unreachable = await redisReachable(options.redisUrl);
    if (unreachable) {
      byId('7').unavailable = `Redis ${unreachable}`;
    } else {
      redisGateway = await fullChainGateway('7', 'Redis limiter', 'redis', { redisUrl: options.redisUrl });
    }
  }
  // Gateway 3: as gateway 1 with the audit trail and the HTTP metrics / anomaly hooks off (target 8), to price them.
  let quietGateway: BenchGateway | undefined;
  if (wanted('8')) quietGateway = await fullChainGateway('8', 'observability off', 'quiet', { observability: false });
  for (const target of targets) if (target.unavailable) log(`target ${target.id} unavailable: ${target.unavailable}`);

  // Rounds: every target once per round, in order, each load after a warm-up.
  const samples: Sample[] = [];
  await toggleProfiles(options, [memoryGateway, redisGateway, quietGateway], false);
  const active = targets.filter((t) => !t.unavailable);
  for (let round = 1; round <= options.rounds; round++) {
    log(`round ${round}/${options.rounds}`);
    for (const target of active) {
      const request = { url: target.url!, bodyFile: target.bodyFile!, token: target.token, tokensFile: target.tokensFile };
      const warm = await runWrk(LOADS[0], { ...request, durationSeconds: options.warmupSeconds });
      if (warm.errorCount > 0) samples.push({ target: target.id, round, load: 'warm-up', phase: 'warm-up', wrk: warm });
      for (const load of target.loads) {
        const cpuBefore = target.pid ? safe(() => cpuMicros(target.pid!)) : undefined;
        const sampler = target.pid && load.name === 'saturation' ? new RssSampler(target.pid) : undefined;
        const wrk = await runWrk(load, { ...request, durationSeconds: options.durationSeconds });
        const peakRssMb = sampler?.stop();
        const cpuAfter = target.pid ? safe(() => cpuMicros(target.pid!)) : undefined;
        const cpuUsPerRequest =
          cpuBefore !== undefined && cpuAfter !== undefined && wrk.requests > 0 ? (cpuAfter - cpuBefore) / wrk.requests : undefined;
        samples.push({ target: target.id, round, load: load.name, phase: 'measure', wrk, cpuUsPerRequest, peakRssMb });
        log(
          `  ${target.id.padEnd(10)} ${load.name.padEnd(13)} ${wrk.rps.toFixed(0).padStart(7)} req/s  p50 ${(wrk.latencyUs.p50 / 1000).toFixed(3)} ms  p99 ${(wrk.latencyUs.p99 / 1000).toFixed(3)} ms` +
            `${cpuUsPerRequest !== undefined ? `  cpu ${cpuUsPerRequest.toFixed(0)} µs/req` : ''}${peakRssMb !== undefined ? `  rss ${peakRssMb.toFixed(0)} MB` : ''}` +
            `${wrk.errorCount > 0 ? `  ERRORS ${JSON.stringify(wrk.errors)}` : ''}`,
        );
      }
    }
  }
  for (const [label, gateway] of [
    ['memory limiter', memoryGateway],
    ['Redis limiter', redisGateway],
    ['observability off', quietGateway],
  ] as const) {
    if (gateway && memory[label]) {
      const { rss, hwm } = memoryMb(gateway.process.pid);
      memory[label] = { ...memory[label], afterRunMb: rss, peakHwmMb: hwm };
    }
  }

  await toggleProfiles(options, [memoryGateway, redisGateway, quietGateway], true);
  // Stop every process before the micro-benchmarks, so that they have the machine to themselves.
  await stopAll([mock, bare, nginxMock.process, nginxProxy.process, memoryGateway?.process, redisGateway?.process, quietGateway?.process]);
  const profiles = options.cpuProfDir
    ? [...summarizeProfiles(join(options.cpuProfDir, 'memory')), ...summarizeProfiles(join(options.cpuProfDir, 'redis'))]
    : [];
  const micro = options.micro
    ? await runMicroBenches(options.quick, (await redisReachable(options.redisUrl)) ? undefined : options.redisUrl)
    : [];

  const record: RunRecord = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: options.quick
      ? 'npm run bench:quick'
      : `npm run bench${process.argv.length > 2 && !options.quick ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    mode: options.quick ? 'quick' : 'full',
    settings: {
      rounds: options.rounds,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      logLevel: options.logLevel,
      tokenPool: options.pool,
      verifiedTokenCacheEntries: VERIFIED_TOKEN_CACHE_ENTRIES,
      loads: LOADS,
      gatewayNodeFlags: gatewayNodeFlags(),
    },
    machine,
    targets: targets.map(({ id, name, kind, unavailable, poolSize }) => ({ id, name, kind, unavailable, poolSize })),
    samples,
    memory,
    micro,
    profiles,
  };
  const summary = summarize(record);
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, 'latest.json'), `${JSON.stringify({ ...record, summary }, null, 2)}\n`);
  writeFileSync(join(options.outDir, 'latest.md'), renderMarkdown(record, summary));
  log(`\n${summary.valid ? 'VALID' : `INVALID: ${summary.invalidReasons.join('; ')}`} — results in ${join(options.outDir, 'latest.md')}`);
  // An invalid run (any non-2xx or socket error) fails the command: CI's smoke test notices a broken chain.
  if (!summary.valid) process.exitCode = 1;
  for (const check of summary.checks)
    log(`  ${check.met === undefined ? 'n/a    ' : check.met ? 'met    ' : 'NOT MET'} ${check.name}: ${check.measured}`);
}

function profileDir(options: Options, label: string): string | undefined {
  if (!options.cpuProfDir) return undefined;
  const dir = join(options.cpuProfDir, label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** SIGUSR2 starts (then stops and writes) the gateways' CPU profiles: only the load phase is profiled. */
async function toggleProfiles(options: Options, gateways: Array<BenchGateway | undefined>, stop: boolean): Promise<void> {
  if (!options.cpuProfDir) return;
  for (const gateway of gateways) if (gateway) process.kill(gateway.process.pid, 'SIGUSR2');
  if (!stop) return;
  const deadline = Date.now() + 20_000;
  const written = () => gateways.every((g) => !g || g.process.tail().includes('bench: cpu profile'));
  while (!written() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}

/** Pass-through and full-chain targets must answer 200 before they are loaded. */
async function probe(target: Target): Promise<void> {
  const response = await fetch(target.url!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(target.token ? { authorization: `Bearer ${target.token}` } : {}) },
    body: readFileSync(target.bodyFile!, 'utf8'),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST ${new URL(target.url!).pathname} answered ${response.status}: ${text.slice(0, 200)}`);
}

async function fullChainSetup(
  gateway: BenchGateway,
  mockUrl: string,
  work: string,
  label: string,
): Promise<{ tenancy: Tenancy; url: string; bodyFile: string; token: string }> {
  const tenancy = await createTenancy(gateway);
  const token = await issueToken(gateway.url, tenancy.consumer.clientId, tenancy.consumer.secret, 'infer');
  const model = await registerBenchModel(gateway, tenancy, mockUrl, token);
  const bodyFile = join(work, `infer-body-${label}.json`);
  writeFileSync(bodyFile, model.body);
  return { tenancy, url: `${gateway.url}${model.inferPath}`, bodyFile, token };
}

function childPid(pid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return children[0];
  } catch {
    return undefined;
  }
}

/** RSS after a second without requests (start-up garbage collected, timers settled). */
async function settledRss(pid: number): Promise<number | undefined> {
  await new Promise((r) => setTimeout(r, 1_000));
  return safe(() => memoryMb(pid).rss);
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

async function stopAll(processes: Array<{ stop(): Promise<void> } | undefined>): Promise<void> {
  await Promise.all(processes.map((p) => (p ? p.stop() : Promise.resolve())));
}

main()
  .catch((error: unknown) => {
    console.error(`bench failed: ${reasonOf(error)}`);
    process.exitCode = 1;
  })
  .finally(() => {
    cleanupNow();
  });
