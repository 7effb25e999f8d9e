import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_DEFAULTS } from './in-process-gateway';

const REPO_ROOT = resolve(__dirname, '../..');
const START_TIMEOUT_MS = 30_000;

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Every structured log line the process wrote so far. */
  logs: Record<string, unknown>[];
  stderr: string[];
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** SIGTERM, wait for exit, remove the data directory. */
  stop(): Promise<number | null>;
}

/**
 * Runs a gateway entry point (TypeScript, compiled on the fly by SWC) as a separate OS process on a
 * free port, for tests that need signals, exit codes or several replicas.
 */
export async function startGatewayProcess(env: Record<string, string> = {}, entry = 'apps/gateway/src/main.ts'): Promise<GatewayProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'infergate-proc-'));
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      ...TEST_DEFAULTS,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      SQLITE_PATH: join(dataDir, 'infergate.sqlite'),
      AUDIT_SPOOL_DIR: join(dataDir, 'audit-spool'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const listening = new Promise<number>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`gateway did not start within ${START_TIMEOUT_MS} ms: ${stderr.join('')}`)),
      START_TIMEOUT_MS,
    );
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.event === 'gateway.listening') {
            clearTimeout(timer);
            ready(entry.port as number);
          }
        } catch {
          stderr.push(line);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`gateway exited with ${code} before listening: ${stderr.join('')}`));
    });
  });

  const port = await listening;
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    logs,
    stderr,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Polls `url` until it answers `status`, or fails after `timeoutMs`. */
export async function waitForStatus(url: string, status: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (last === status) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} answered ${last}, not ${status}, within ${timeoutMs} ms`);
}
