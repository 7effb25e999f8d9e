import type { DataSource } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { AuditEventWriter } from './audit-event-writer';
import { awkwardAuditRows, insertWithQueryBuilder, removeTestbedDir, type AuditTestbed } from './audit-testing';
import { AuditChain } from './chain/audit-chain';
import { verifyAuditTrail } from './chain/chain-verifier';

/** The i-th of a run of plain events, for batches of any size. */
export const writerEvent = (i: number) => ({
  action: `writer.${i}`,
  outcome: 'success' as const,
  actor: { type: 'system' as const },
  requestId: `r-${i}`,
});

/** What each case works on: a fresh testbed with an empty audit_events table, and a writer on its data source. */
export interface AuditWriterSubject {
  bed: AuditTestbed;
  writer: AuditEventWriter;
}

export interface AuditEventWriterContractOptions {
  /** A migrated testbed on the database under test (the caller's own data source, spool and directory). */
  testbed: () => Promise<AuditTestbed>;
  /** Every stored value as the database renders it (telling its types apart), ordered by id. */
  storedLiterals: (dataSource: DataSource) => Promise<unknown[]> | unknown[];
  /** Deletes every row of audit_events. */
  clear: (dataSource: DataSource) => Promise<void> | void;
  /** The database's own cases, registered in the same block (same fresh subject for each). */
  cases?: (subject: () => AuditWriterSubject) => void;
}

/** The behaviour AuditEventWriter must have on every database; run against SQLite and against PostgreSQL. */
export function auditEventWriterContract(name: string, options: AuditEventWriterContractOptions): void {
  describe(name, () => {
    let subject: AuditWriterSubject;

    beforeEach(async () => {
      const bed = await options.testbed();
      await options.clear(bed.database.dataSource);
      subject = { bed, writer: new AuditEventWriter(bed.database.dataSource) };
    });

    afterEach(async () => {
      await subject.writer.close();
      await subject.bed.close();
      removeTestbedDir(subject.bed.dir);
    });

    it('stores exactly the values, and types, that the TypeORM query builder stored', async () => {
      const { bed, writer } = subject;
      const rows = awkwardAuditRows();
      await insertWithQueryBuilder(bed.database.dataSource, rows);
      const byQueryBuilder = await options.storedLiterals(bed.database.dataSource);
      expect(byQueryBuilder).toHaveLength(rows.length);
      await options.clear(bed.database.dataSource);

      await writer.insert(rows);
      expect(await options.storedLiterals(bed.database.dataSource)).toEqual(byQueryBuilder);
    });

    it('stores rows that TypeORM reads back as they were written, and that verify', async () => {
      const { bed, writer } = subject;
      const rows = awkwardAuditRows();
      await writer.insert(rows);
      // Details come back from their JSON text (-0 as 0), as they always did.
      const expected = rows.map((row) => ({ ...row, details: JSON.parse(JSON.stringify(row.details)) as AuditEventEntity['details'] }));
      const stored = await bed.database.repository(AuditEventEntity).find({ order: { seq: 'ASC' } });
      expect(stored.map((row) => ({ ...row }))).toEqual(expected);
      expect(await verifyAuditTrail(bed.database.dataSource)).toMatchObject({ intact: true, chains: [{ events: rows.length }] });
    });

    it('skips ids already stored, and a row that collides on (chain, seq), without refusing the rest', async () => {
      const { bed, writer } = subject;
      const chain = new AuditChain();
      const first = Array.from({ length: 3 }, (_, i) => chain.append(writerEvent(i)));
      await writer.insert(first);
      const later = Array.from({ length: 2 }, (_, i) => chain.append(writerEvent(3 + i)));
      const sameSeq = { ...first[0], id: '00000000-0000-4000-8000-00000000c0de' };

      await writer.insert([...first, sameSeq, ...later]);

      const stored = await bed.database.repository(AuditEventEntity).find({ order: { seq: 'ASC' } });
      expect(stored.map((row) => row.id)).toEqual([...first, ...later].map((row) => row.id));
    });

    options.cases?.(() => subject);
  });
}
