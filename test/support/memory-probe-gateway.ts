/**
 * The test gateway (in-process settings, probe routes, the demo ONNX model) in a process of its own,
 * for tests about the process's memory: run it with `--expose-gc` and the Node flags under test. It
 * sends `{ url }` over IPC once it listens, then answers one message per request:
 *
 * - `settle`: a full collection (what is left is live); replies `{ oldSpaceBytes }` and starts
 *   counting collections;
 * - `young`: two young-generation collections only, so that young garbage is gone while whatever
 *   reached the old generation since `settle` stays counted; replies `{ oldSpaceBytes, fullCollections }`
 *   (full collections since `settle`, which would have hidden such garbage);
 * - `loaded`: replies `{ packages, nativeLibraries }`: the npm packages required so far and the file
 *   names of the shared libraries mapped into the process;
 * - `stop`: closes the gateway and exits.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { GCProfiler, getHeapSpaceStatistics } from 'node:v8';
import { startGateway } from './in-process-gateway';
import { ProbeModule } from './probe.module';

export const PROBE_ADMIN = { id: 'memory-probe-admin', secret: 'memory-probe-admin-secret-for-tests-only' };

type Gc = (options?: { type: 'minor' | 'major' }) => void;

function oldSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? 0;
}

function loadedPackages(): string[] {
  const names = new Set<string>();
  for (const file of Object.keys(require.cache)) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (match) names.add(match[1]);
  }
  return [...names].sort();
}

function nativeLibraries(): string[] {
  const files = readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .map((line) => /\s(\/\S+\.(?:so[.\d]*|node))$/.exec(line)?.[1])
    .filter((file): file is string => file !== undefined);
  return [...new Set(files.map((file) => basename(file)))];
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: Gc }).gc;
  const send = process.send?.bind(process);
  if (!gc || !send) throw new Error('run as a forked child with --expose-gc');
  const gateway = await startGateway(
    {
      BOOTSTRAP_ADMIN_CLIENT_ID: PROBE_ADMIN.id,
      BOOTSTRAP_ADMIN_CLIENT_SECRET: PROBE_ADMIN.secret,
      MODELS_DIR: join(__dirname, '..', '..', 'models'),
    },
    [ProbeModule],
  );
  let profiler: GCProfiler | undefined;
  process.on('message', (message: { op: string }) => {
    switch (message.op) {
      case 'settle':
        gc({ type: 'major' });
        profiler?.stop();
        profiler = new GCProfiler();
        profiler.start();
        send({ oldSpaceBytes: oldSpaceBytes() });
        break;
      case 'young': {
        const collections = profiler?.stop()?.statistics ?? [];
        profiler = undefined;
        gc({ type: 'minor' });
        gc({ type: 'minor' });
        const fullCollections = collections.filter((entry) => entry.gcType === 'MarkSweepCompact').length;
        send({ oldSpaceBytes: oldSpaceBytes(), fullCollections });
        break;
      }
      case 'loaded':
        send({ packages: loadedPackages(), nativeLibraries: nativeLibraries() });
        break;
      case 'stop':
        void gateway.close().then(() => process.exit(0));
        break;
    }
  });
  send({ url: gateway.url });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`memory probe gateway failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
