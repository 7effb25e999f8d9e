import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { trackHelper } from './processes';

/** The three load shapes of issue 9. `connections`/`threads` are wrk's -c/-t; `rate` paces with Lua delay(). */
export interface LoadShape {
  name: 'saturation' | 'one-at-a-time' | 'paced-1k';
  threads: number;
  connections: number;
  rate?: number;
}

export const LOADS: readonly LoadShape[] = [
  { name: 'saturation', threads: 2, connections: 50 },
  { name: 'one-at-a-time', threads: 1, connections: 1 },
  { name: 'paced-1k', threads: 2, connections: 10, rate: 1000 },
];

export interface WrkResult {
  requests: number;
  durationUs: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { min: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number; stdev: number };
  /** Derived: requests / duration. */
  rps: number;
  /** Derived: non-2xx (wrk counts status >= 400) plus socket errors. */
  errorCount: number;
}

export interface WrkRequest {
  url: string;
  bodyFile: string;
  token?: string;
  tokensFile?: string;
  durationSeconds: number;
}

const SCRIPT = join(__dirname, '..', 'wrk', 'post.lua');

export function runWrk(load: LoadShape, request: WrkRequest): Promise<WrkResult> {
  const args = [
    `-t${load.threads}`,
    `-c${load.connections}`,
    `-d${request.durationSeconds}s`,
    '--timeout',
    '5s',
    '-s',
    SCRIPT,
    request.url,
  ];
  const env = {
    PATH: process.env.PATH,
    BENCH_PATH: new URL(request.url).pathname,
    BENCH_BODY_FILE: request.bodyFile,
    BENCH_TOKEN: request.token ?? '',
    BENCH_TOKENS_FILE: request.tokensFile ?? '',
    BENCH_RATE: String(load.rate ?? 0),
    BENCH_THREADS: String(load.threads),
  };
  return new Promise((resolve, reject) => {
    const child = execFile(
      'wrk',
      args,
      { env, maxBuffer: 16 * 1024 * 1024, timeout: (request.durationSeconds + 30) * 1000 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
        if (!line) {
          reject(new Error(`wrk gave no result (${error?.message ?? 'no error'}): ${stderr.trim() || stdout.trim()}`));
          return;
        }
        const parsed = JSON.parse(line.slice('WRK_JSON '.length)) as Omit<WrkResult, 'rps' | 'errorCount'>;
        const e = parsed.errors;
        resolve({
          ...parsed,
          rps: parsed.durationUs > 0 ? parsed.requests / (parsed.durationUs / 1e6) : 0,
          errorCount: e.connect + e.read + e.write + e.status + e.timeout,
        });
      },
    );
    trackHelper(child);
  });
}

/** One line saying how to install what is missing, or undefined when wrk and nginx are both there. */
export function missingTools(): string | undefined {
  const missing = [
    ['wrk', ['-v']],
    ['nginx', ['-v']],
  ].filter(([tool, args]) => {
    try {
      execFileSync(tool as string, args as string[], { stdio: 'ignore', env: { PATH: `${process.env.PATH}:/usr/sbin:/sbin` } });
      return false;
    } catch (error) {
      // wrk -v exits 1 after printing its version: only "not found" means missing.
      return (error as NodeJS.ErrnoException).code === 'ENOENT';
    }
  });
  if (missing.length === 0) return undefined;
  return `${missing.map(([tool]) => tool).join(' and ')} not found: apt-get install wrk nginx-light`;
}

/** "wrk 4.1.0", "nginx/1.22.1": versions for the machine facts. */
export function toolVersions(): { wrk: string; nginx: string } {
  // Both print their version to stderr (wrk -v also exits 1): read stdout and stderr whatever the status.
  const run = (tool: string, args: string[]) => {
    const result = spawnSync(tool, args, { encoding: 'utf8' });
    return `${result.stdout ?? ''}${result.stderr ?? ''}`;
  };
  const wrk = /wrk\s+(\S+)/.exec(run('wrk', ['-v']))?.[1] ?? 'unknown';
  const nginx = /nginx\/(\S+)/.exec(run(nginxBinary(), ['-v']))?.[1] ?? 'unknown';
  return { wrk, nginx };
}

export function nginxBinary(): string {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // next
    }
  }
  return 'nginx';
}
