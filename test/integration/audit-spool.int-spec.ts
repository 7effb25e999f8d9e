import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { GatewayProcess, startGatewayProcess, waitForStatus } from '../support/gateway-process';
import { TEST_DEFAULTS } from '../support/in-process-gateway';
import { createTestDatabase, dropTestDatabase, queryRows } from '../support/postgres';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy';

/** Every spooled NDJSON line under `dir`. */
function spooledLines(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const lines: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.ndjson')) {
      lines.push(...readFileSync(join(entry.parentPath, entry.name), 'utf8').split('\n').filter(Boolean));
    }
  }
  return lines;
}

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The audit trail survives a PostgreSQL outage and a kill -9: a gateway process records failed
 * authentications (audited) while the database is up, keeps recording them into its spool while the
 * database is cut off, is killed with SIGKILL, and a new process on the same spool directory replays
 * them once the database is back. Every request's event is then stored exactly once and the hash
 * chains verify.
 */
describe('audit spool across a database outage and kill -9 (PostgreSQL)', () => {
  let databaseUrl: string;
  let proxy: TcpProxy;
  let spoolDir: string;
  const processes: GatewayProcess[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const target = new URL(databaseUrl);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    spoolDir = mkdtempSync(join(tmpdir(), 'infergate-audit-spool-it-'));
  });

  afterAll(async () => {
    for (const child of processes) await child.stop().catch(() => undefined);
    await proxy.close();
    await dropTestDatabase(databaseUrl);
    rmSync(spoolDir, { recursive: true, force: true });
  });

  const viaProxy = () => {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    return url.toString();
  };
  const start = async () => {
    const child = await startGatewayProcess({
      DATABASE_URL: viaProxy(),
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      AUDIT_SPOOL_DIR: spoolDir,
      AUDIT_FLUSH_INTERVAL_MS: '50',
      FAILED_AUTH_SLOW_AFTER: '100000',
      FAILED_AUTH_BLOCK_AFTER: '100000',
    });
    processes.push(child);
    return child;
  };
  /** A request with a forged bearer token: refused (401) and audited as authn.failure with our request id. */
  const failedAuth = async (gateway: GatewayProcess, requestId: string) => {
    const response = await fetch(`${gateway.url}/v1/admin/organizations`, {
      headers: { authorization: 'Bearer forged.token.value', 'x-request-id': requestId },
    });
    await response.text();
    expect(response.status).toBe(401);
  };
  const storedCounts = async (prefix: string) =>
    queryRows<{ request_id: string; n: string }>(
      databaseUrl,
      `SELECT request_id, COUNT(*) AS n FROM audit_events WHERE action = 'authn.failure' AND request_id LIKE $1 GROUP BY request_id`,
      [`${prefix}%`],
    );

  it('stores every audited request exactly once after the restart, and the chains verify', async () => {
    const runId = randomUUID().slice(0, 8);
    const sent: string[] = [];

    const first = await start();
    await waitForStatus(`${first.url}/health/ready`, 200, 20_000);
    for (let i = 0; i < 20; i += 1) {
      const id = `it-${runId}-up-${i}`;
      await failedAuth(first, id);
      sent.push(id);
    }
    await eventually('the first events in PostgreSQL', async () => (await storedCounts(`it-${runId}-up-`)).length === 20);

    await proxy.cut();
    const down: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      const id = `it-${runId}-down-${i}`;
      await failedAuth(first, id);
      down.push(id);
      sent.push(id);
    }
    // Durable once spooled (appended and fsync'd): then the process may die.
    await eventually('the outage events in the spool', () =>
      down.every((id) => spooledLines(spoolDir).some((line) => line.includes(`"${id}"`))),
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    await proxy.restore();
    const second = await start();
    await waitForStatus(`${second.url}/health/ready`, 200, 20_000);
    for (let i = 0; i < 5; i += 1) {
      const id = `it-${runId}-after-${i}`;
      await failedAuth(second, id);
      sent.push(id);
    }

    await eventually('every event in PostgreSQL', async () => (await storedCounts(`it-${runId}-`)).length === sent.length, 30_000);
    const counts = await storedCounts(`it-${runId}-`);
    expect(counts.map((row) => row.request_id).sort()).toEqual([...sent].sort());
    expect(counts.filter((row) => Number(row.n) !== 1)).toEqual([]);
    await eventually('the spool drained', () => spooledLines(spoolDir).length === 0);

    // Two processes, two chains; the outage events kept the chain of the process that recorded them.
    const chains = await queryRows<{ chain: string }>(databaseUrl, `SELECT DISTINCT chain FROM audit_events WHERE request_id LIKE $1`, [
      `it-${runId}-%`,
    ]);
    expect(chains).toHaveLength(2);

    await second.stop();
    const verify = await runCli(
      { PATH: process.env.PATH, ...TEST_DEFAULTS, DATABASE_URL: databaseUrl, AUDIT_SPOOL_DIR: spoolDir, LOG_LEVEL: 'silent' },
      'audit',
      'verify',
    );
    expect(verify).toMatchObject({ code: 0 });
    expect(verify.stdout).toMatch(/^audit trail intact: \d+ events in \d+ chain\(s\)/);
  }, 180_000);
});
