import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditChain } from '@infergate/audit';
import { runCli } from '../support/cli';

/** `npm run cli -- audit verify` on a real trail written by the CLI itself, then tampered with in SQL. */
describe('audit verify CLI (e2e)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const cli = (...args: string[]) => runCli(env, ...args);
  const sql = <T>(query: string, ...params: unknown[]): T[] => {
    const db = new Database(join(dir, 'db.sqlite'));
    try {
      const statement = db.prepare(query);
      return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as T[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'infergate-audit-cli-'));
    env = {
      ...process.env,
      SQLITE_PATH: join(dir, 'db.sqlite'),
      AUDIT_SPOOL_DIR: join(dir, 'spool'),
      MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
    };
    expect((await cli('migrate', 'run')).code).toBe(0);
    // Each CLI run is a process with a chain of its own.
    for (const name of ['verify-a', 'verify-b', 'verify-c']) expect((await cli('orgs', 'create', name)).code).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 with a summary when the trail is intact', async () => {
    expect(sql<{ n: number }>('SELECT COUNT(*) AS n FROM audit_events WHERE hash IS NOT NULL')[0].n).toBeGreaterThanOrEqual(3);
    const result = await cli('audit', 'verify');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^audit trail intact: \d+ events in 3 chain\(s\)\n$/);
  }, 30_000);

  it('exits 1 with one line naming the event that was changed', async () => {
    const [victim] = sql<{ id: string; chain: string }>(
      `SELECT id, chain FROM audit_events WHERE action = 'tenancy.organization.created' LIMIT 1`,
    );
    sql(`UPDATE audit_events SET outcome = 'failure' WHERE id = ?`, victim.id);
    const result = await cli('audit', 'verify');
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(victim.id)]);
    expect(result.stderr).toMatch(/^infergate: audit trail broken \(changed event /);

    // The other chains are still intact when asked one by one.
    const [other] = sql<{ chain: string }>('SELECT chain FROM audit_events WHERE chain <> ? LIMIT 1', victim.chain);
    expect((await cli('audit', 'verify', '--chain', other.chain)).code).toBe(0);
    expect((await cli('audit', 'verify', '--chain', victim.chain)).code).toBe(1);
    sql(`UPDATE audit_events SET outcome = 'success' WHERE id = ?`, victim.id);
  }, 60_000);

  it('exits 1 naming the event after one that was deleted', async () => {
    // A longer chain, written by the library's own chain code, stored as the writer stores it.
    const chain = new AuditChain();
    const rows = Array.from({ length: 5 }, (_, i) =>
      chain.append({ action: `cli.test.${i}`, outcome: 'success', actor: { type: 'system' }, details: { i } }),
    );
    for (const row of rows) {
      sql(
        `INSERT INTO audit_events (id, occurred_at, actor_type, actor_id, org_id, action, resource_type, resource_id, outcome, reason,
           request_id, details, chain, seq, prev_hash, hash) VALUES (?, ?, ?, NULL, NULL, ?, NULL, NULL, ?, NULL, NULL, ?, ?, ?, ?, ?)`,
        row.id,
        row.occurredAt.toISOString().replace('T', ' ').replace('Z', ''),
        row.actorType,
        row.action,
        row.outcome,
        JSON.stringify(row.details),
        row.chain,
        row.seq,
        row.prevHash,
        row.hash,
      );
    }
    expect((await cli('audit', 'verify', '--chain', chain.id)).code).toBe(0);
    sql('DELETE FROM audit_events WHERE id = ?', rows[2].id);
    const result = await cli('audit', 'verify');
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`deleted event ${rows[3].id}, seq 4`);
  }, 60_000);
});
