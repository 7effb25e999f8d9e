import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads the V8 CPU profiles a gateway wrote with `--cpu-prof` and ranks where its busy time went:
 * by concern (logging, HTTP server, Nest, upstream client, database, …), by package or infergate lib,
 * and by function (self time). Time spent in Node internals or V8 builtins (a socket write, a hash)
 * is charged to the nearest JavaScript caller outside Node, so `writeString` under pino counts as
 * logging, not as "node".
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

export interface CostCenter {
  name: string;
  /** Share of the process's busy (non-idle) samples. */
  selfPercent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  byConcern: CostCenter[];
  byOrigin: CostCenter[];
  byFunction: CostCenter[];
}

/** The bench compiles the gateway below node_modules/.cache/infergate-bench/<pid>/: that is our code, not a package. */
const OWN_BUILD = /node_modules\/\.cache\/infergate-bench\/\d+\//;
const NODE = 'node internals';
const NATIVE = '(native / V8 builtins)';

function originOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : NATIVE;
  if (url.startsWith('node:') || !url.includes('/')) return NODE;
  const path = url.replace(OWN_BUILD, '/');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1];
  if (path.startsWith('wasm://')) return 'undici'; // llhttp, undici's WASM HTTP parser
  const lib = /\/(libs\/[^/]+|apps\/[^/]+|bench)\//.exec(path);
  return lib ? lib[1] : path;
}

/** Packages and libs grouped by what they do on the request path. */
const CONCERNS: Array<[string, RegExp]> = [
  ['logging (pino, redaction, stdout)', /^(pino|pino-std-serializers|@pinojs\/.*|sonic-boom|thread-stream)$/],
  ['HTTP server (fastify, node:http)', /^(fastify|find-my-way|@fastify\/.*|light-my-request|avvio|fast-json-stringify|secure-json-parse)$/],
  ['Nest (router, guards, interceptors, DI)', /^(@nestjs\/.*|reflect-metadata|rxjs|iterare|passport|passport-custom|passport-strategy)$/],
  ['upstream client (undici)', /^undici$/],
  ['database (typeorm, sqlite, pg, ioredis)', /^(typeorm|better-sqlite3|pg|pg-.*|ioredis|redis-parser|@ioredis\/.*)$/],
  ['tokens and policies (jose, CASL)', /^(jose|@casl\/.*|@ucast\/.*)$/],
  ['validation (ajv, class-validator)', /^(ajv|ajv-formats|class-validator|class-transformer|fast-uri|fast-deep-equal)$/],
  ['metrics and tracing (prom-client, OpenTelemetry)', /^(prom-client|@opentelemetry\/.*|tdigest|bintrees)$/],
  ['infergate libs (own code)', /^(libs|apps)\//],
  ['bench route', /^bench$/],
  ['garbage collector', /^\(garbage collector\)$/],
];

function concernOf(origin: string): string {
  for (const [name, pattern] of CONCERNS) if (pattern.test(origin)) return name;
  return origin === NODE || origin === NATIVE || origin === '(program)' ? 'Node / V8 (no JS caller)' : `other (${origin})`;
}

export function summarizeProfiles(dir: string, top = 20): ProfileSummary[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return [];
  }
  return files.map((file) => summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, file, top));
}

function summarizeProfile(profile: CpuProfile, file: string, top: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Idle time (waiting in epoll) is not cost: percentages are of the time the process was busy.
  const busy = profile.nodes.filter((n) => n.callFrame.functionName !== '(idle)' && (n.hitCount ?? 0) > 0);
  const totalHits = busy.reduce((sum, n) => sum + (n.hitCount ?? 0), 0) || 1;

  /** The origin of the nearest frame (this one or an ancestor) that is neither Node nor a V8 builtin. */
  const callerOrigin = (node: ProfileNode): string => {
    const own = originOf(node.callFrame.url, node.callFrame.functionName);
    if (own !== NODE && own !== NATIVE) return own;
    for (let id = parent.get(node.id); id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!;
      const origin = originOf(frame.callFrame.url, frame.callFrame.functionName);
      if (origin !== NODE && origin !== NATIVE && !origin.startsWith('(')) return origin;
    }
    return own;
  };

  const functions = new Map<string, number>();
  const origins = new Map<string, number>();
  const concerns = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, hits: number) => map.set(key, (map.get(key) ?? 0) + hits);
  for (const node of busy) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    add(functions, url ? `${functionName || '(anonymous)'} — ${shortUrl(url)}:${lineNumber + 1}` : functionName || '(anonymous)', hits);
    const origin = callerOrigin(node);
    add(origins, origin, hits);
    add(concerns, concernOf(origin), hits);
  }
  const rank = (map: Map<string, number>, limit: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, hits]) => ({ name, selfPercent: (hits / totalHits) * 100 }));
  return {
    file,
    totalMs: (profile.endTime - profile.startTime) / 1000,
    byConcern: rank(concerns, 20),
    byOrigin: rank(origins, top),
    byFunction: rank(functions, top),
  };
}

function shortUrl(url: string): string {
  const path = url.replace(OWN_BUILD, '/');
  const pkg = /node_modules\/(.+)$/.exec(path);
  if (pkg) return pkg[1];
  const own = /\/((?:libs|apps|bench)\/.+)$/.exec(path);
  return own ? own[1].replace(/^libs\/([^/]+)\/src\//, '$1/') : path.replace(/^node:/, '');
}
