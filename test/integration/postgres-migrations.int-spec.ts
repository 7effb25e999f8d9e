import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { MIGRATION_LOCK_KEY, MIGRATIONS, MIGRATIONS_TABLE } from '@infergate/database';
import { GatewayProcess, startGatewayProcess, waitForStatus } from '../support/gateway-process';
import { createTestDatabase, dropTestDatabase, queryRows, tableExists } from '../support/postgres';

const REPO_ROOT = resolve(__dirname, '../..');
const MIGRATION_NAMES = MIGRATIONS.map((Migration) => new Migration().name);

describe('PostgreSQL migrations', () => {
  describe('three gateway replicas starting at once on an empty database', () => {
    it('all become ready, and exactly one of them applies the migrations, each exactly once', async () => {
      const databaseUrl = await createTestDatabase();
      // The test holds the migration lock (as an operator's `migrate run` would) until all three replicas
      // queue for it, so that their migrations truly coincide instead of depending on start-up jitter.
      const operator = new Client({ connectionString: databaseUrl });
      const replicas: GatewayProcess[] = [];
      let exitCodes: (number | null)[] = [];
      try {
        await operator.connect();
        await operator.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        const started = await Promise.allSettled([1, 2, 3].map(() => startGatewayProcess({ DATABASE_URL: databaseUrl })));
        for (const result of started) if (result.status === 'fulfilled') replicas.push(result.value);
        const failure = started.find((result) => result.status === 'rejected');
        if (failure) throw failure.reason;

        await waitForLockWaiters(operator, replicas.length);
        for (const replica of replicas) expect((await fetch(`${replica.url}/health/ready`)).status).toBe(503);
        await operator.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);

        await Promise.all(replicas.map((replica) => waitForStatus(`${replica.url}/health/ready`, 200)));
        for (const replica of replicas) {
          const response = await fetch(`${replica.url}/health/ready`);
          expect(response.status).toBe(200);
          expect(await response.json()).toEqual({
            status: 'up',
            components: { accepting: 'up', database: 'up', migrations: 'up' },
          });
        }

        const rows = await queryRows<{ name: string }>(databaseUrl, `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`);
        expect(MIGRATION_NAMES.length).toBeGreaterThan(0);
        expect(rows.map((row) => row.name)).toEqual(MIGRATION_NAMES);
        expect(await tableExists(databaseUrl, 'audit_events')).toBe(true);

        const applied = await Promise.all(replicas.map((replica) => migrationsAppliedBy(replica)));
        const migrators = applied.filter((names) => names.length > 0);
        expect(migrators).toEqual([MIGRATION_NAMES]);
        expect(applied.filter((names) => names.length === 0)).toHaveLength(2);
        // Nobody got there by failing first and retrying.
        for (const replica of replicas) expect(replica.logs.filter((line) => line.event === 'database.unavailable')).toEqual([]);
      } finally {
        await operator.end().catch(() => undefined);
        exitCodes = await Promise.all(replicas.map((replica) => replica.stop()));
        await dropTestDatabase(databaseUrl);
      }
      // SIGTERM drains and exits cleanly, also for the replicas that only waited for the lock.
      expect(exitCodes).toEqual([0, 0, 0]);
    });
  });

  describe('CLI `migrate status|run|revert` on an empty database', () => {
    it('reports pending migrations (exit 3), applies them, reports none pending, and reverts the last one', async () => {
      const databaseUrl = await createTestDatabase();
      try {
        const before = await cli(databaseUrl, 'status');
        expect(before).toMatchObject({ code: 3, stderr: '' });
        expect(before.stdout.trim().split('\n')).toEqual(MIGRATION_NAMES.map((name) => `pending ${name}`));
        expect(await tableExists(databaseUrl, 'audit_events')).toBe(false);

        const run = await cli(databaseUrl, 'run');
        expect(run).toMatchObject({ code: 0, stderr: '' });
        expect(run.stdout.trim().split('\n')).toEqual(MIGRATION_NAMES.map((name) => `applied ${name}`));
        expect(await tableExists(databaseUrl, 'audit_events')).toBe(true);

        const after = await cli(databaseUrl, 'status');
        expect(after).toEqual({ code: 0, stdout: 'schema is up to date\n', stderr: '' });

        const revert = await cli(databaseUrl, 'revert');
        expect(revert).toEqual({ code: 0, stdout: `reverted ${MIGRATION_NAMES[MIGRATION_NAMES.length - 1]}\n`, stderr: '' });
        // The last migration chains the audit trail (and creates its checkpoints); earlier tables stay.
        expect(await tableExists(databaseUrl, 'audit_checkpoints')).toBe(false);
        expect(await tableExists(databaseUrl, 'audit_events')).toBe(true);
        expect(await tableExists(databaseUrl, 'organizations')).toBe(true);
        expect(await queryRows(databaseUrl, `SELECT name FROM ${MIGRATIONS_TABLE}`)).toEqual(
          MIGRATION_NAMES.slice(0, -1).map((name) => ({ name })),
        );
      } finally {
        await dropTestDatabase(databaseUrl);
      }
    });
  });
});

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `infergate migrate <subcommand>` as an operator runs it, against `databaseUrl`. */
function cli(databaseUrl: string, subcommand: 'run' | 'revert' | 'status'): Promise<CliResult> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/cli/src/main.ts', 'migrate', subcommand], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** The migration names a replica reported in its 'database.ready' log line (waits for the line). */
async function migrationsAppliedBy(replica: GatewayProcess, timeoutMs = 5_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = replica.logs.filter((line) => line.event === 'database.ready');
    if (ready.length > 1) throw new Error(`${replica.url} logged database.ready ${ready.length} times`);
    if (ready.length === 1) {
      const applied = ready[0].migrationsApplied;
      if (!Array.isArray(applied))
        throw new Error(`database.ready of ${replica.url} has no migrationsApplied array: ${JSON.stringify(ready[0])}`);
      return applied as string[];
    }
    if (Date.now() > deadline) throw new Error(`${replica.url} logged no database.ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until `count` other sessions of this database wait for an advisory lock. */
async function waitForLockWaiters(client: Client, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let waiting = 0;
  while (Date.now() < deadline) {
    const { rows } = await client.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    waiting = rows[0].waiting;
    if (waiting === count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${waiting} replicas, not ${count}, waited for the migration lock within ${timeoutMs} ms`);
}
