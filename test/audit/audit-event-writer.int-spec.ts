import { AuditChain, AuditEventEntity, AuditService, verifyAuditTrail } from '@infergate/audit';
import { AuditEventWriter } from '../../libs/audit/src/audit-event-writer';
import {
  auditTestbed,
  awkwardAuditRows,
  insertWithQueryBuilder,
  removeTestbedDir,
  type AuditTestbed,
} from '../../libs/audit/src/audit-testing';
import { createTestDatabase, dropTestDatabase } from '../support/postgres';

const event = (i: number) => ({
  action: `writer.${i}`,
  outcome: 'success' as const,
  actor: { type: 'system' as const },
  requestId: `r-${i}`,
});

/**
 * AuditEventWriter against PostgreSQL: the raw multi-row INSERT stores what TypeORM's query builder
 * stored, skips what is already there, splits batches beyond the 65535-parameter limit, and the
 * trail it writes reads back and verifies.
 */
describe('AuditEventWriter (PostgreSQL)', () => {
  let databaseUrl: string;
  let bed: AuditTestbed;
  let writer: AuditEventWriter;

  const sql = <T>(query: string, parameters: unknown[] = []): Promise<T[]> => bed.database.dataSource.query(query, parameters);
  /** Every stored row as PostgreSQL renders it (to_jsonb keeps types and microseconds), by id. */
  const storedRows = async () =>
    (await sql<{ row: string }>(`SELECT to_jsonb(e)::text AS row FROM audit_events e ORDER BY id`)).map((r) => r.row);
  const count = async () => Number((await sql<{ n: string }>('SELECT COUNT(*) AS n FROM audit_events'))[0].n);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
  });

  afterAll(async () => {
    await dropTestDatabase(databaseUrl);
  });

  beforeEach(async () => {
    bed = await auditTestbed({ DATABASE_URL: databaseUrl, AUDIT_FLUSH_INTERVAL_MS: '60000' });
    await sql('DELETE FROM audit_events');
    writer = new AuditEventWriter(bed.database.dataSource);
  });

  afterEach(async () => {
    await bed.close();
    removeTestbedDir(bed.dir);
  });

  it('stores exactly what the TypeORM query builder stored', async () => {
    const rows = awkwardAuditRows();
    await insertWithQueryBuilder(bed.database.dataSource, rows);
    const byQueryBuilder = await storedRows();
    expect(byQueryBuilder).toHaveLength(rows.length);
    await sql('DELETE FROM audit_events');

    await writer.insert(rows);
    expect(await storedRows()).toEqual(byQueryBuilder);
  });

  it('stores rows that TypeORM reads back as they were written, and that verify', async () => {
    const rows = awkwardAuditRows();
    await writer.insert(rows);
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

  it('splits a batch whose parameters would exceed what one statement may carry', async () => {
    // 16 columns × 4,200 rows = 67,200 parameters: over 65,535 in one statement.
    const chain = new AuditChain();
    const rows = Array.from({ length: 4_200 }, (_, i) => chain.append(event(i)));
    await writer.insert(rows);
    expect(await count()).toBe(rows.length);
    expect(await verifyAuditTrail(bed.database.dataSource, { chain: chain.id })).toMatchObject({
      intact: true,
      chains: [{ events: 4_200 }],
    });
  });

  it('is what AuditService writes through: events recorded are stored and verify', async () => {
    const audit = bed.app.get(AuditService);
    const ids = Array.from({ length: 25 }, (_, i) => audit.enqueue(event(i)));
    await audit.flush();
    const stored = await bed.database.repository(AuditEventEntity).find({ order: { seq: 'ASC' } });
    expect(stored.map((row) => row.id)).toEqual(ids);
    expect(await verifyAuditTrail(bed.database.dataSource)).toMatchObject({ intact: true });
  });
});
