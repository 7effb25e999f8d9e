import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { freePort, waitForOk } from './ports';
import { registerTempDir, startProcess, StartedProcess } from './processes';

const REPO_ROOT = resolve(__dirname, '..', '..');
const BENCH_PLANS = join(REPO_ROOT, 'bench', 'plans');

let builtEntry: string | undefined;

/**
 * Compiles the gateway, the bench entry and the bench servers with SWC, as `npm run build` does, so
 * that every measured process runs plain JavaScript like a deployment (no on-the-fly compiler in its memory or CPU). The
 * output lives below node_modules/.cache (module resolution finds the dependencies) and is removed
 * on exit.
 */
export function buildGateway(): string {
  if (builtEntry) return builtEntry;
  const out = registerTempDir(join(REPO_ROOT, 'node_modules', '.cache', 'infergate-bench', String(process.pid)));
  execFileSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'swc'),
    [
      'apps',
      'libs',
      'bench/gateway',
      'bench/servers',
      '-d',
      out,
      '--config-file',
      '.swcrc',
      '--ignore',
      '**/*.spec.ts,**/*.contract.ts,**/*-testing.ts,**/testing/**',
      '--quiet',
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  builtEntry = join(out, 'bench', 'gateway', 'main.js');
  return builtEntry;
}

/** A compiled bench server (mock upstream, bare proxy): plain JavaScript like the gateway. */
export function builtServer(name: 'mock-upstream' | 'bare-proxy'): string {
  return join(dirname(buildGateway()), '..', 'servers', `${name}.js`);
}

/**
 * The Node/V8 flags the gateway runs with: those of `npm run start:prod` (package.json), which
 * `npm start` and the container image use too, so that the bench measures the process as deployed
 * (heap sizing decides a good part of its RSS). Throws when the script is not `node [flags] <main>`.
 */
export function gatewayNodeFlags(packageJsonFile = join(REPO_ROOT, 'package.json')): string[] {
  const { scripts } = JSON.parse(readFileSync(packageJsonFile, 'utf8')) as { scripts?: Record<string, string> };
  const script = scripts?.['start:prod'] ?? '';
  const match = /^node((?: --[a-z0-9-]+(?:=\S+)?)*) dist\/apps\/gateway\/src\/main\.js$/.exec(script);
  if (!match) throw new Error(`package.json start:prod is not "node [--flag ...] dist/apps/gateway/src/main.js": ${script}`);
  return match[1].split(' ').filter(Boolean);
}

/** The input contract of the bench model `m`: a few numeric features, as a small tabular model has. */
export const FEATURES = ['f0', 'f1', 'f2', 'f3'];
export const MODEL_NAME = 'm';

export interface BenchGateway {
  label: string;
  process: StartedProcess;
  url: string;
  dataDir: string;
  adminClientId: string;
  adminClientSecret: string;
}

export interface GatewayOptions {
  label: string;
  dataDir: string;
  upstreamUrl: string;
  redisUrl?: string;
  logLevel: string;
  /** When set, SIGUSR2 starts and stops a CPU profile written here (bench/gateway/main.ts). */
  profileDir?: string;
  /** False: the audit trail and the HTTP metrics/anomaly hooks are switched off (bench/gateway/main.ts), to price them. */
  observability?: boolean;
}

/**
 * One gateway process (embedded profile, its own SQLite file) running bench/gateway/main.ts: the
 * shipped AppModule plus the pass-through route. Limits that would refuse load from one IP (the
 * pre-auth flood limiter, the plan) are set far above the load; nothing else is turned off.
 */
export async function startBenchGateway(options: GatewayOptions): Promise<BenchGateway> {
  mkdirSync(options.dataDir, { recursive: true });
  const port = await freePort();
  const adminClientId = 'bench-admin';
  const adminClientSecret = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: options.logLevel,
    SQLITE_PATH: join(options.dataDir, 'infergate.sqlite'),
    MASTER_KEY: randomBytes(32).toString('base64'),
    AUDIT_SPOOL_DIR: join(options.dataDir, 'audit-spool'),
    PLANS_DIR: BENCH_PLANS,
    PREAUTH_RATE_PER_SECOND: '100000000',
    PREAUTH_BURST: '1000000000',
    BOOTSTRAP_ADMIN_CLIENT_ID: adminClientId,
    BOOTSTRAP_ADMIN_CLIENT_SECRET: adminClientSecret,
    UPSTREAM_ALLOWLIST: '127.0.0.1/32',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    SEED_DEMO_MODEL: 'false',
    BENCH_UPSTREAM_URL: options.upstreamUrl,
    ...(options.profileDir ? { BENCH_CPU_PROFILE_DIR: options.profileDir } : {}),
    ...(options.observability === false ? { BENCH_OBSERVABILITY: 'off' } : {}),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: `ig-bench-${randomBytes(4).toString('hex')}:` } : {}),
  };
  const { process: child } = await startProcess(`gateway (${options.label})`, process.execPath, [...gatewayNodeFlags(), buildGateway()], {
    cwd: REPO_ROOT,
    env,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForOk(`${url}/health/ready`, 90_000);
  } catch (error) {
    const tail = child.tail().trim().split('\n').slice(-5).join(' | ');
    await child.stop();
    throw new Error(`gateway (${options.label}) did not become ready: ${error instanceof Error ? error.message : String(error)} ${tail}`);
  }
  return { label: options.label, process: child, url, dataDir: options.dataDir, adminClientId, adminClientSecret };
}

/** POST /oauth/token, client_credentials with client_secret_basic. */
export async function issueToken(baseUrl: string, clientId: string, clientSecret: string, scope: string): Promise<string> {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /oauth/token answered ${response.status}: ${oneLine(text)}`);
  return (JSON.parse(text) as { access_token: string }).access_token;
}

async function call<T>(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${oneLine(text)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

export interface Tenancy {
  orgId: string;
  /** The bootstrap platform admin's token (scope admin): the protected `production` alias needs `administer`. */
  adminToken: string;
  publisher: { clientId: string; secret: string };
  consumer: { clientId: string; secret: string };
}

/**
 * Through the admin API, as an operator would: the bench organization, a publisher application
 * (model-publisher) and a consumer application (model-consumer, scope `infer`).
 */
export async function createTenancy(gateway: BenchGateway): Promise<Tenancy> {
  const admin = await issueToken(gateway.url, gateway.adminClientId, gateway.adminClientSecret, 'admin models:read models:write');
  const org = await call<{ id: string }>(gateway.url, admin, 'POST', '/v1/admin/organizations', {
    name: 'bench',
    maxClearance: 'restricted',
  });
  const application = async (name: string, role: string, allowedScopes: string[]) => {
    const created = await call<{ id: string; clientId: string; clientSecret: string }>(
      gateway.url,
      admin,
      'POST',
      `/v1/admin/organizations/${org.id}/applications`,
      { name, authMethod: 'client_secret_basic', allowedScopes, clearance: 'internal' },
    );
    await call(gateway.url, admin, 'POST', '/v1/admin/role-bindings', {
      principalType: 'application',
      principalId: created.id,
      role,
      orgId: org.id,
    });
    return { clientId: created.clientId, secret: created.clientSecret };
  };
  return {
    orgId: org.id,
    adminToken: admin,
    publisher: await application('bench-publisher', 'model-publisher', ['models:read', 'models:write']),
    consumer: await application('bench-consumer', 'model-consumer', ['infer', 'models:read']),
  };
}

/** Issues `count` distinct consumer tokens (a few requests in flight at a time) into a file, one a line. */
export async function issueTokenPool(gateway: BenchGateway, tenancy: Tenancy, count: number, file: string): Promise<void> {
  const tokens: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      tokens.push(await issueToken(gateway.url, tenancy.consumer.clientId, tenancy.consumer.secret, 'infer'));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  if (new Set(tokens).size !== count) throw new Error(`token pool: ${new Set(tokens).size} distinct tokens, wanted ${count}`);
  writeFileSync(file, `${tokens.join('\n')}\n`);
}
