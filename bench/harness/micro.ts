import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..');

export interface MicroResult {
  name: string;
  file: string;
  command: string;
  ok: boolean;
  /** What the bench printed (its own table), or why it could not run. */
  output: string;
  seconds: number;
}

interface MicroBench {
  name: string;
  file: string;
  args: (quick: boolean) => string[];
}

/** The per-operation benches of issue 9; a file not (yet) in bench/ is reported as missing, not fatal. */
const BENCHES: MicroBench[] = [
  { name: 'token verification (cold, cached)', file: 'token-verification.bench.ts', args: (quick) => [quick ? '2000' : '10000'] },
  { name: 'ability check (CASL)', file: 'authorization.bench.ts', args: () => ['100000'] },
  { name: 'rate-limit decision (memory, Redis)', file: 'rate-limit.bench.ts', args: (quick) => [quick ? '5000' : '20000'] },
  { name: 'schema validation (100 features)', file: 'validation.bench.ts', args: () => [] },
  { name: 'observability per request (metrics, anomaly detectors, spans off)', file: 'observability.bench.ts', args: () => ['200000'] },
  { name: 'audit enqueue', file: 'audit.bench.ts', args: (quick) => [quick ? '5000' : '20000'] },
  { name: 'upstream call cancellation wiring', file: 'cancellation.bench.ts', args: () => ['200000'] },
];

export async function runMicroBenches(quick: boolean, redisUrl: string | undefined): Promise<MicroResult[]> {
  const results: MicroResult[] = [];
  for (const bench of BENCHES) {
    const path = join(REPO_ROOT, 'bench', bench.file);
    const command = `node -r @swc-node/register bench/${bench.file} ${bench.args(quick).join(' ')}`.trim();
    if (!existsSync(path)) {
      results.push({
        name: bench.name,
        file: bench.file,
        command,
        ok: false,
        output: `not run: bench/${bench.file} does not exist yet`,
        seconds: 0,
      });
      continue;
    }
    const started = Date.now();
    const { ok, output } = await new Promise<{ ok: boolean; output: string }>((done) =>
      execFile(
        process.execPath,
        ['-r', '@swc-node/register', path, ...bench.args(quick)],
        {
          cwd: REPO_ROOT,
          timeout: 180_000,
          maxBuffer: 4 * 1024 * 1024,
          env: { ...process.env, ...(redisUrl ? { TEST_REDIS_URL: redisUrl } : {}), LOG_LEVEL: 'silent' },
        },
        (error, stdout, stderr) =>
          done({ ok: !error, output: (stdout + (error ? `\n${stderr.trim().split('\n').slice(-3).join('\n')}` : '')).trim() }),
      ),
    );
    results.push({ name: bench.name, file: bench.file, command, ok, output, seconds: (Date.now() - started) / 1000 });
    console.log(`  micro: ${bench.file} ${ok ? 'done' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return results;
}
