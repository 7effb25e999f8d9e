import { AuditChain, AuditEventEntity, AuditService, verifyAuditTrail } from '@infergate/audit';
import { auditEventWriterContract, writerEvent } from '../../libs/audit/src/audit-event-writer.contract';
import { auditTestbed } from '../../libs/audit/src/audit-testing';
import { createTestDatabase, dropTestDatabase } from '../support/postgres';

/**
 * AuditEventWriter against PostgreSQL: the raw multi-row INSERT stores what TypeORM's query builder
 * stored, skips what is already there, splits batches beyond the 65535-parameter limit, and the
 * trail it writes reads back and verifies.
 */
let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
});

afterAll(async () => {
  await dropTestDatabase(databaseUrl);
});

auditEventWriterContract('AuditEventWriter (PostgreSQL)', {
  testbed: () => auditTestbed({ databaseUrl, flushIntervalMs: 60000 }),
  /** to_jsonb keeps types and microseconds. */
  storedLiterals: async (dataSource) =>
    (await dataSource.query<{ row: string }[]>(`SELECT to_jsonb(e)::text AS row FROM audit_events e ORDER BY id`)).map((r) => r.row),
  clear: async (dataSource) => {
    await dataSource.query('DELETE FROM audit_events');
  },
  cases: (subject) => {
    it('splits a batch whose parameters would exceed what one statement may carry', async () => {
      const { bed, writer } = subject();
      // 16 columns × 4,200 rows = 67,200 parameters: over 65,535 in one statement.
      const chain = new AuditChain();
      const rows = Array.from({ length: 4_200 }, (_, i) => chain.append(writerEvent(i)));
      await writer.insert(rows);
      const [{ n }] = await bed.database.dataSource.query<{ n: string }[]>('SELECT COUNT(*) AS n FROM audit_events');
      expect(Number(n)).toBe(rows.length);
      expect(await verifyAuditTrail(bed.database.dataSource, { chain: chain.id })).toMatchObject({
        intact: true,
        chains: [{ events: 4_200 }],
      });
    });

    it('is what AuditService writes through: events recorded are stored and verify', async () => {
      const { bed } = subject();
      const audit = bed.app.get(AuditService);
      const ids = Array.from({ length: 25 }, (_, i) => audit.enqueue(writerEvent(i)));
      await audit.flush();
      const stored = await bed.database.repository(AuditEventEntity).find({ order: { seq: 'ASC' } });
      expect(stored.map((row) => row.id)).toEqual(ids);
      expect(await verifyAuditTrail(bed.database.dataSource)).toMatchObject({ intact: true });
    });
  },
});
