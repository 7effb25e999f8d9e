import type { MachineFacts } from './machine';
import type { ProfileSummary } from './cpu-profile';
import type { MicroResult } from './micro';
import { spread, type Spread } from './stats';
import type { LoadShape, WrkResult } from './wrk';

export interface TargetInfo {
  id: string;
  name: string;
  kind: 'mock' | 'peer' | 'gateway';
  /** Why the target was not measured (one line); absent when it was. */
  unavailable?: string;
  poolSize?: number;
}

export interface Sample {
  target: string;
  round: number;
  load: string;
  phase: 'warm-up' | 'measure';
  wrk: WrkResult;
  /** Process utime+stime over the run / requests (the gateway, the proxy or the mock). */
  cpuUsPerRequest?: number;
  /** Highest VmRSS polled during the run (saturation only). */
  peakRssMb?: number;
}

export interface RunRecord {
  startedAt: string;
  finishedAt: string;
  command: string;
  mode: 'quick' | 'full';
  settings: {
    rounds: number;
    durationSeconds: number;
    warmupSeconds: number;
    logLevel: string;
    tokenPool: number;
    verifiedTokenCacheEntries: number;
    loads: readonly LoadShape[];
    /** The gateways' Node/V8 flags: those of `npm run start:prod` (absent in records made before they were noted). */
    gatewayNodeFlags?: string[];
  };
  machine: MachineFacts;
  targets: TargetInfo[];
  samples: Sample[];
  /**
   * Per gateway process: RSS once started (before any request), once set up (tenancy, model, token
   * pool) and idle, after the run, and the kernel's high-water mark.
   */
  memory: Record<string, { startedMb?: number; idleMb?: number; afterRunMb?: number; peakHwmMb?: number }>;
  micro: MicroResult[];
  /** Top cost centers of the gateways, when run with --cpu-prof. */
  profiles?: ProfileSummary[];
}

export interface LoadSummary {
  runs: number;
  rps?: Spread;
  p50Ms?: Spread;
  p90Ms?: Spread;
  p99Ms?: Spread;
  cpuUsPerRequest?: Spread;
  peakRssMb?: number;
  errors: number;
}

export interface TargetSummary extends TargetInfo {
  loads: Record<string, LoadSummary>;
  /** Saturation req/s (median) / the bare node proxy's. */
  ofBareProxy?: number;
  /** Saturation req/s (median) / direct's: ≥ 0.9 means the mock, not the proxy, set the pace. */
  ofDirect?: number;
  addedMs: { oneAtATimeP50?: number; pacedP50?: number; pacedP99?: number };
}

export interface Check {
  name: string;
  goal: string;
  measured: string;
  met?: boolean;
}

export interface Summary {
  valid: boolean;
  invalidReasons: string[];
  targets: TargetSummary[];
  checks: Check[];
  flags: string[];
}

const ms = (us: number) => us / 1000;

export function summarize(record: RunRecord): Summary {
  const invalidReasons: string[] = [];
  const targets: TargetSummary[] = record.targets.map((info) => {
    const loads: Record<string, LoadSummary> = {};
    for (const load of record.settings.loads) {
      const runs = record.samples.filter((s) => s.target === info.id && s.load === load.name && s.phase === 'measure');
      if (runs.length === 0) continue;
      const peaks = runs.map((r) => r.peakRssMb).filter((v): v is number => v !== undefined);
      loads[load.name] = {
        runs: runs.length,
        rps: spread(runs.map((r) => r.wrk.rps)),
        p50Ms: spread(runs.map((r) => ms(r.wrk.latencyUs.p50))),
        p90Ms: spread(runs.map((r) => ms(r.wrk.latencyUs.p90))),
        p99Ms: spread(runs.map((r) => ms(r.wrk.latencyUs.p99))),
        cpuUsPerRequest: spread(runs.map((r) => r.cpuUsPerRequest ?? NaN)),
        peakRssMb: peaks.length ? Math.max(...peaks) : undefined,
        errors: runs.reduce((sum, r) => sum + r.wrk.errorCount, 0),
      };
    }
    const bad = record.samples.filter((s) => s.target === info.id && s.wrk.errorCount > 0);
    if (bad.length > 0) {
      const e = bad.reduce(
        (sum, s) => ({
          status: sum.status + s.wrk.errors.status,
          socket: sum.socket + s.wrk.errors.connect + s.wrk.errors.read + s.wrk.errors.write + s.wrk.errors.timeout,
        }),
        { status: 0, socket: 0 },
      );
      invalidReasons.push(
        `target ${info.id} (${info.name}): ${e.status} non-2xx and ${e.socket} socket errors in ${bad.map((s) => `round ${s.round} ${s.load}`).join(', ')}`,
      );
    }
    return { ...info, loads, addedMs: {} };
  });

  const find = (id: string) => targets.find((t) => t.id === id);
  const sat = (t?: TargetSummary) => t?.loads.saturation?.rps?.median;
  const direct = find('1');
  const bare = find('3');
  for (const t of targets) {
    if (t.unavailable || t.kind === 'mock') continue;
    const own = sat(t);
    if (own !== undefined && sat(bare)) t.ofBareProxy = own / sat(bare)!;
    if (own !== undefined && sat(direct) && t.id !== '1') t.ofDirect = own / sat(direct)!;
    const diff = (load: string, key: 'p50Ms' | 'p99Ms') => {
      const mine = t.loads[load]?.[key]?.median;
      const base = direct?.loads[load]?.[key]?.median;
      return mine !== undefined && base !== undefined && t.id !== '1' ? mine - base : undefined;
    };
    t.addedMs = { oneAtATimeP50: diff('one-at-a-time', 'p50Ms'), pacedP50: diff('paced-1k', 'p50Ms'), pacedP99: diff('paced-1k', 'p99Ms') };
  }

  const flags: string[] = [];
  for (const t of targets) {
    if (t.kind === 'gateway' && t.ofDirect !== undefined && t.ofDirect >= 0.9) {
      flags.push(
        `target ${t.id} reached ${(t.ofDirect * 100).toFixed(0)}% of direct: the mock upstream, not the gateway, limited its throughput`,
      );
    }
  }
  const pacedRate = record.settings.loads.find((l) => l.name === 'paced-1k')?.rate;
  for (const t of targets) {
    const achieved = t.loads['paced-1k']?.rps?.median;
    if (pacedRate && achieved !== undefined && achieved < pacedRate * 0.9) {
      flags.push(
        `target ${t.id} served only ${fmt(achieved)} of the ${fmt(pacedRate)} req/s paced load: it was saturated, so its paced latency is mostly queueing`,
      );
    }
  }
  const nginxMock = sat(find('mock-nginx'));
  if (nginxMock !== undefined && sat(direct) !== undefined) {
    flags.push(`mock capacity: node mock ${fmt(sat(direct))} req/s, nginx mock ${fmt(nginxMock)} req/s (direct, saturation)`);
  }
  const pool = find('6');
  if (pool && !pool.unavailable && (pool.poolSize ?? 0) <= record.settings.verifiedTokenCacheEntries) {
    flags.push(
      `target 6 used ${pool.poolSize} tokens, fewer than the verified-token cache holds (${record.settings.verifiedTokenCacheEntries}): after the first pass they were cache hits — a smoke test, not the fresh-token number`,
    );
  }

  const ratioCheck = (id: string, goal: number, label: string): Check => {
    const t = find(id);
    const percent = `≥ ${Math.round(goal * 100)}%`;
    const name = `${label}: (${id}) ${percent} of bare proxy (3) req/s`;
    if (!t || t.unavailable) return { name, goal: percent, measured: `unavailable: ${t?.unavailable ?? 'not run'}` };
    if (t.ofBareProxy === undefined) return { name, goal: percent, measured: 'no data' };
    return { name, goal: percent, measured: `${(t.ofBareProxy * 100).toFixed(1)}%`, met: t.ofBareProxy >= goal };
  };
  const chain = find('5');
  const latencyCheck = (label: string, value: number | undefined, goal: number): Check => {
    const name = `${label} (5 vs 1)`;
    if (!chain || chain.unavailable) return { name, goal: `≤ ${goal} ms`, measured: `unavailable: ${chain?.unavailable ?? 'not run'}` };
    if (value === undefined) return { name, goal: `≤ ${goal} ms`, measured: 'no data' };
    return { name, goal: `≤ ${goal} ms`, measured: `${value.toFixed(3)} ms`, met: value <= goal };
  };
  const quiet = find('8');
  const observabilityCost: Check = (() => {
    const name = 'Cost of observability: (5) req/s as a share of (8), audit and HTTP metrics off';
    const on = chain?.loads.saturation?.rps?.median;
    const off = quiet?.loads.saturation?.rps?.median;
    if (!quiet || quiet.unavailable) return { name, goal: 'reported', measured: `unavailable: ${quiet?.unavailable ?? 'not run'}` };
    if (on === undefined || off === undefined) return { name, goal: 'reported', measured: 'no data' };
    const cpuOn = chain?.loads.saturation?.cpuUsPerRequest?.median;
    const cpuOff = quiet.loads.saturation?.cpuUsPerRequest?.median;
    const cpu = cpuOn !== undefined && cpuOff !== undefined ? `, ${(cpuOn - cpuOff).toFixed(0)} CPU µs/req` : '';
    return { name, goal: 'reported', measured: `${((on / off) * 100).toFixed(1)}%${cpu}` };
  })();
  const idle = record.memory['memory limiter']?.startedMb;
  const gatewayPeaks = targets
    .filter((t) => t.kind === 'gateway')
    .map((t) => t.loads.saturation?.peakRssMb)
    .filter((v): v is number => v !== undefined);
  const peak = gatewayPeaks.length ? Math.max(...gatewayPeaks) : undefined;
  const checks: Check[] = [
    ratioCheck('5', 0.8, 'Security tax'),
    ratioCheck('6', 0.55, 'Fresh tokens'),
    ratioCheck('7', 0.65, 'Redis limiter'),
    latencyCheck('Added latency, one at a time, p50', chain?.addedMs.oneAtATimeP50, 0.3),
    latencyCheck('Added latency, paced ~1k req/s, p50', chain?.addedMs.pacedP50, 0.6),
    latencyCheck('Added latency, paced ~1k req/s, p99', chain?.addedMs.pacedP99, 3),
    idle === undefined
      ? { name: 'Gateway RSS idle (started, no traffic yet)', goal: '≤ 150 MB', measured: 'no gateway ran' }
      : { name: 'Gateway RSS idle (started, no traffic yet)', goal: '≤ 150 MB', measured: `${idle.toFixed(0)} MB`, met: idle <= 150 },
    peak === undefined
      ? { name: 'Gateway RSS under saturation (peak)', goal: '≤ 300 MB', measured: 'no gateway ran' }
      : { name: 'Gateway RSS under saturation (peak)', goal: '≤ 300 MB', measured: `${peak.toFixed(0)} MB`, met: peak <= 300 },
    observabilityCost,
  ];
  return { valid: invalidReasons.length === 0, invalidReasons, targets, checks, flags };
}

function fmt(value: number | undefined, digits = 0): string {
  return value === undefined ? '–' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "1,234 (1,200–1,260)": the median, then min–max across rounds when there was more than one. */
function cell(s: Spread | undefined, digits = 0): string {
  if (!s) return '–';
  return s.n > 1 ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : fmt(s.median, digits);
}

const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(0)}%`);
const signedMs = (v: number | undefined) => (v === undefined ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(3)}`);

export function renderMarkdown(record: RunRecord, summary: Summary): string {
  const { settings, machine } = record;
  const lines: string[] = [];
  const measured = summary.targets.filter((t) => !t.unavailable);
  lines.push('# infergate benchmark results', '');
  lines.push(
    `**${summary.valid ? 'Valid run' : 'INVALID RUN'}** — ${record.mode} mode, ${settings.rounds} round(s) × ${settings.durationSeconds} s per load ` +
      `(warm-up ${settings.warmupSeconds} s before each target), ${record.startedAt.replace('T', ' ').slice(0, 19)} UTC, command \`${record.command}\`.`,
  );
  if (!summary.valid) for (const reason of summary.invalidReasons) lines.push(`- INVALID: ${reason}`);
  lines.push(
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB, Linux ${machine.kernel}; Node ${machine.node}; wrk ${machine.wrk}; nginx ${machine.nginx}; ` +
      `1-min load average at start ${machine.loadAverageAtStart}. Everything (load generator, mocks, proxies, gateways) runs on this one machine, on 127.0.0.1.`,
    '',
    'Numbers are medians across rounds, with (min–max) when there was more than one round. Latency is what wrk measured at the client. ' +
      'CPU µs/req is the measured process’s user+system CPU time over the run divided by the requests it served (clock-tick resolution). ' +
      '“of bare” is the target’s saturation throughput relative to the bare Node proxy (3), the ceiling for any Node gateway here.',
    '',
  );

  lines.push('## Targets of issue 9', '', '| goal | target | measured | |', '|---|---|---|---|');
  for (const c of summary.checks)
    lines.push(`| ${c.name} | ${c.goal} | ${c.measured} | ${c.met === undefined ? 'n/a' : c.met ? 'met' : '**not met**'} |`);
  lines.push('');

  lines.push(
    '## Saturation (`wrk -t2 -c50`)',
    '',
    '| # | target | req/s | p50 ms | p99 ms | CPU µs/req | peak RSS MB | of bare | of direct |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const t of measured) {
    const l = t.loads.saturation;
    if (!l) continue;
    lines.push(
      `| ${t.id} | ${t.name} | ${cell(l.rps)} | ${cell(l.p50Ms, 3)} | ${cell(l.p99Ms, 3)} | ${cell(l.cpuUsPerRequest)} | ${fmt(l.peakRssMb)} | ${pct(t.ofBareProxy)} | ${pct(t.ofDirect)} |`,
    );
  }
  lines.push('');
  lines.push(
    '## One request at a time (`wrk -t1 -c1`)',
    '',
    '| # | target | req/s | p50 ms | p99 ms | CPU µs/req | added p50 ms vs direct |',
    '|---|---|---|---|---|---|---|',
  );
  for (const t of measured) {
    const l = t.loads['one-at-a-time'];
    if (!l) continue;
    lines.push(
      `| ${t.id} | ${t.name} | ${cell(l.rps)} | ${cell(l.p50Ms, 3)} | ${cell(l.p99Ms, 3)} | ${cell(l.cpuUsPerRequest)} | ${signedMs(t.addedMs.oneAtATimeP50)} |`,
    );
  }
  lines.push('');
  lines.push(
    '## Paced at ~1,000 req/s (`wrk -t2 -c10`, Lua `delay()` on an even per-thread schedule)',
    '',
    '| # | target | achieved req/s | p50 ms | p90 ms | p99 ms | CPU µs/req | added p50 ms | added p99 ms |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const t of measured) {
    const l = t.loads['paced-1k'];
    if (!l) continue;
    lines.push(
      `| ${t.id} | ${t.name} | ${cell(l.rps)} | ${cell(l.p50Ms, 3)} | ${cell(l.p90Ms, 3)} | ${cell(l.p99Ms, 3)} | ${cell(l.cpuUsPerRequest)} | ${signedMs(t.addedMs.pacedP50)} | ${signedMs(t.addedMs.pacedP99)} |`,
    );
  }
  lines.push('');

  lines.push(
    '## Gateway memory (RSS)',
    '',
    '| gateway process | idle, started MB | idle, after setup MB | after the run MB | peak (VmHWM) MB |',
    '|---|---|---|---|---|',
  );
  for (const [label, m] of Object.entries(record.memory)) {
    lines.push(`| ${label} | ${fmt(m.startedMb)} | ${fmt(m.idleMb)} | ${fmt(m.afterRunMb)} | ${fmt(m.peakHwmMb)} |`);
  }
  lines.push('');

  const unavailable = summary.targets.filter((t) => t.unavailable);
  if (unavailable.length || summary.flags.length) {
    lines.push('## Notes', '');
    for (const t of unavailable) lines.push(`- Target ${t.id} (${t.name}) unavailable: ${t.unavailable}`);
    for (const flag of summary.flags) lines.push(`- ${flag}`);
    lines.push('');
  }

  lines.push('## What each target is', '');
  lines.push(
    '1. **direct** — wrk → the Node mock KServe v2 server (`bench/servers/mock-upstream.ts`, own process), `POST /v2/models/m/infer`, fixed small JSON answer.',
    '2. **nginx** — Debian nginx, 1 worker, `proxy_pass` to the Node mock with upstream keepalive (config written by the harness).',
    '3. **bare node proxy** — `bench/servers/bare-proxy.ts`: `node:http` server + undici `Pool` (64 connections) forwarding to the Node mock.',
    '4. **infergate pass-through** — the real gateway (AppModule, Fastify hooks, global guards, logging, metrics) with a bench-only `@Public()` route that only proxies with undici (`bench/gateway/passthrough.module.ts`).',
    '5. **full chain, reused token** — `POST /v1/models/m/infer` with one bearer token: JWT verification (cached), CASL policies, memory rate limiter (every plan scope charged), model resolution, input-contract validation, audit, metrics, kserve-v2 proxy to the Node mock.',
    `6. **full chain, fresh tokens** — as 5 with a pool of ${record.settings.tokenPool} distinct tokens rotated by the wrk script (each wrk thread its own slice); the verified-token cache holds ${settings.verifiedTokenCacheEntries}, so a pool larger than that misses on every request.`,
    '7. **full chain, Redis limiter** — as 5 against a second gateway with `REDIS_URL` (rate limits in Redis, one round trip per decision).',
    '8. **full chain, audit and HTTP metrics off** — as 5 against a third gateway whose audit trail records nothing and whose HTTP metrics and anomaly hooks are not registered (bench-only switch in `bench/gateway/main.ts`): 5 against 8 is the cost of observability.',
    '',
    `The gateways run the embedded profile (SQLite), \`NODE_ENV=production\`, \`LOG_LEVEL=${settings.logLevel}\` (one access-log line per request), the demo ONNX model not seeded, ` +
      (settings.gatewayNodeFlags ? `the Node flags of \`npm start\` (\`node ${settings.gatewayNodeFlags.join(' ')}\`), ` : '') +
      'the pre-auth flood limiter and the plan set far above the load (bench/plans: limits are checked and charged, never refused). ' +
      "The bench organization's model `m` has an input contract of 4 numeric features, backend kserve-v2 to the Node mock, stage production.",
    '',
  );

  for (const profile of record.profiles ?? []) {
    lines.push(
      `## Where the gateway's CPU went (\`--cpu-prof\`, ${profile.file}, ${(profile.totalMs / 1000).toFixed(0)} s profiled; % of busy time, self)`,
      '',
      'Node and V8 time is charged to the nearest JavaScript caller (a socket write under pino counts as logging).',
      '',
      '| concern | % of busy CPU |',
      '|---|---|',
      ...profile.byConcern.map((c) => `| ${c.name} | ${c.selfPercent.toFixed(1)} |`),
      '',
      '| package or lib | % |',
      '|---|---|',
      ...profile.byOrigin.slice(0, 15).map((c) => `| ${c.name} | ${c.selfPercent.toFixed(1)} |`),
      '',
      '| function (self time) | % |',
      '|---|---|',
      ...profile.byFunction.map((c) => `| ${c.name.replace(/\|/g, '\\|')} | ${c.selfPercent.toFixed(1)} |`),
      '',
    );
  }

  lines.push('## Micro-benchmarks', '');
  if (record.micro.length === 0) lines.push('Not run (`--no-micro`).', '');
  for (const m of record.micro) {
    lines.push(`### ${m.name} — \`${m.command}\`${m.ok ? '' : ' (failed or missing)'}`, '', '```', m.output || '(no output)', '```', '');
  }
  lines.push(
    '## Reproduce',
    '',
    '`npm run bench` (full: 5 rounds × 10 s per load, ~25 minutes) or `npm run bench:quick` (one short round, under 2 minutes). Needs `wrk` and `nginx` ' +
      '(`apt-get install wrk nginx-light`) and, for target 7, Redis at `redis://127.0.0.1:6379` (`BENCH_REDIS_URL` to change). ' +
      'Other work on the machine skews every number: compare ratios from one run, not absolute values across machines or runs. Raw samples: `latest.json`.',
    '',
  );
  return lines.join('\n');
}
