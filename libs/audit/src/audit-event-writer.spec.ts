import type { Database as SqliteHandle } from 'better-sqlite3';
import { AuditEventEntity } from './audit-event.entity';
import { AuditEventWriter, SQLITE_ROWS_PER_TRANSACTION } from './audit-event-writer';
import { auditTestbed, awkwardAuditRows, insertWithQueryBuilder, removeTestbedDir, type AuditTestbed } from './audit-testing';
import { AuditChain } from './chain/audit-chain';
import { verifyAuditTrail } from './chain/chain-verifier';

const event = (i: number) => ({
  action: `writer.${i}`,
  outcome: 'success' as const,
  actor: { type: 'system' as const },
  requestId: `r-${i}`,
});

describe(`${AuditEventWriter.name} (SQLite)`, () => {
  let bed: AuditTestbed;
  let writer: AuditEventWriter;

  const handle = () => (bed.database.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
  const count = () => (handle().prepare('SELECT COUNT(*) AS n FROM audit_events').get() as { n: number }).n;
  /** Every stored value as an SQL literal (quote() tells text, integer, real and NULL apart), by id. */
  const storedLiterals = () => {
    const columns = bed.database.dataSource.getMetadata(AuditEventEntity).columns.map((column) => `quote("${column.databaseName}")`);
    return handle()
      .prepare(`SELECT ${columns.join(', ')} FROM audit_events ORDER BY id`)
      .raw()
      .all();
  };

  beforeEach(async () => {
    bed = await auditTestbed({ AUDIT_FLUSH_INTERVAL_MS: '60000' });
    writer = new AuditEventWriter(bed.database.dataSource);
  });

  afterEach(async () => {
    await bed.close();
    removeTestbedDir(bed.dir);
  });

  it('stores exactly the values, and types, that the TypeORM query builder stored', async () => {
    const rows = awkwardAuditRows();
    await insertWithQueryBuilder(bed.database.dataSource, rows);
    const byQueryBuilder = storedLiterals();
    expect(byQueryBuilder).toHaveLength(rows.length);
    handle().exec('DELETE FROM audit_events');

    await writer.insert(rows);
    expect(storedLiterals()).toEqual(byQueryBuilder);
  });

  it('stores rows that TypeORM reads back as they were written, and that verify', async () => {
    const rows = awkwardAuditRows();
    await writer.insert(rows);
    // Details come back from their JSON text (-0 as 0), as they always did.
    const expected = rows.map((row) => ({ ...row, details: JSON.parse(JSON.stringify(row.details)) as AuditEventEntity['details'] }));
    const stored = await bed.database.repository(AuditEventEntity).find({ order: { seq: 'ASC' } });
    expect(stored.map((row) => ({ ...row }))).toEqual(expected);
    expect(await verifyAuditTrail(bed.database.dataSource)).toMatchObject({ intact: true, chains: [{ events: rows.length }] });
  });

  it('skips ids already stored, and a row that collides on (chain, seq), without refusing the rest', async () => {
    const chain = new AuditChain();
    const first = Array.from({ length: 3 }, (_, i) => chain.append(event(i)));
    await writer.insert(first);
    const later = Array.from({ length: 2 }, (_, i) => chain.append(event(3 + i)));
    const sameSeq = { ...first[0], id: '00000000-0000-4000-8000-00000000c0de' };

    await writer.insert([...first, sameSeq, ...later]);

    const stored = await bed.database.repository(AuditEventEntity).find({ order: { seq: 'ASC' } });
    expect(stored.map((row) => row.id)).toEqual([...first, ...later].map((row) => row.id));
  });

  it('writes a large batch in short transactions, letting the event loop run between them', async () => {
    const chain = new AuditChain();
    const rows = Array.from({ length: SQLITE_ROWS_PER_TRANSACTION * 3 + 10 }, (_, i) => chain.append(event(i)));
    // What another callback on the event loop sees while the batch is written.
    const seen: number[] = [];
    let writing = true;
    const probe = () => {
      if (!writing) return;
      seen.push(count());
      setImmediate(probe);
    };
    setImmediate(probe);

    await writer.insert(rows);
    writing = false;

    expect(count()).toBe(rows.length);
    const n = SQLITE_ROWS_PER_TRANSACTION;
    expect(seen).toEqual(expect.arrayContaining([n, 2 * n, 3 * n]));
    // Whole chunks only: each is one transaction.
    expect(seen.every((stored) => stored % n === 0 || stored === rows.length)).toBe(true);
  });

  it('does not write into a transaction another module has open (its rollback would take the events with it)', async () => {
    const rows = awkwardAuditRows();
    let writing: Promise<void> | undefined;
    await expect(
      bed.database.dataSource.transaction(async () => {
        writing = writer.insert(rows);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(count()).toBe(0);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await writing;
    expect(count()).toBe(rows.length);
  });

  it('refuses while the database is closed, and writes again once it is reopened', async () => {
    const rows = awkwardAuditRows();
    await writer.insert(rows.slice(0, 2));
    await bed.database.dataSource.destroy();
    await expect(writer.insert(rows.slice(2))).rejects.toThrow('not open');

    await bed.database.dataSource.initialize();
    await writer.insert(rows.slice(2));
    expect(count()).toBe(rows.length);
  });
});
