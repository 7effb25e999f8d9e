import { ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * Every process the harness starts runs in a process group of its own (`detached`), registered here,
 * so that exit, an error or ctrl-C ends the whole group (nginx's worker, anything a child forks) and
 * removes the temporary directories — nothing is left listening on 127.0.0.1.
 */
const running = new Map<number, string>();
/** Short-lived helpers in the harness's own group (wrk): killed by pid. */
const helpers = new Set<number>();
const tempDirs = new Set<string>();
let cleanedUp = false;

export interface StartedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The last few KB of stdout and stderr, for the error message when the process fails. */
  tail(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolves start() once a stdout/stderr line matches; the first capture group is returned. */
  readyLine?: RegExp;
  timeoutMs?: number;
}

const TAIL_BYTES = 8192;

export async function startProcess(
  name: string,
  command: string,
  args: string[],
  options: StartOptions = {},
): Promise<{ process: StartedProcess; match?: string }> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  running.set(pid, name);
  let tail = '';
  let pending = '';
  let onLine: ((line: string) => void) | undefined;
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-TAIL_BYTES);
    if (onLine) {
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach((line) => onLine?.(line));
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(pid);
      resolve(code);
    }),
  );

  const started: StartedProcess = {
    name,
    pid,
    child,
    tail: () => tail,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      killGroup(pid, 'SIGKILL'); // anything of the group still alive
    },
  };
  if (!options.readyLine) return { process: started };
  const readyLine = options.readyLine;
  const match = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within ${options.timeoutMs ?? 30_000} ms: ${tail}`)),
      options.timeoutMs ?? 30_000,
    );
    onLine = (line) => {
      const found = readyLine.exec(line);
      if (found) {
        clearTimeout(timer);
        onLine = undefined;
        resolve(found[1] ?? '');
      }
    };
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready: ${tail.trim().split('\n').slice(-5).join(' | ')}`));
    });
  }).catch(async (error: unknown) => {
    await started.stop();
    throw error;
  });
  return { process: started, match };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Tracks a child that is not a group leader (wrk), so that ctrl-C ends it too. */
export function trackHelper(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  helpers.add(pid);
  child.once('exit', () => helpers.delete(pid));
}

export function registerTempDir(dir: string): string {
  tempDirs.add(dir);
  return dir;
}

/** Synchronous, so that it also works from the 'exit' event. */
export function cleanupNow(): void {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const pid of running.keys()) killGroup(pid, 'SIGKILL');
  running.clear();
  for (const pid of helpers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  helpers.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Exit, ctrl-C, SIGTERM and uncaught errors all end every child group and remove temp dirs. */
export function installCleanupHandlers(): void {
  process.once('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping every child process`);
      cleanupNow();
      process.exit(130);
    });
  }
}
