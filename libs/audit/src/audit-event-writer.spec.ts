import type { Database as SqliteHandle } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { AuditEventWriter, SQLITE_ROWS_PER_TURN } from './audit-event-writer';
import { auditEventWriterContract, writerEvent } from './audit-event-writer.contract';
import { auditTestbed, awkwardAuditRows } from './audit-testing';
import { AuditChain } from './chain/audit-chain';

const handle = (dataSource: DataSource) => (dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;

auditEventWriterContract(`${AuditEventWriter.name} (SQLite)`, {
  testbed: () => auditTestbed({ flushIntervalMs: 60000 }),
  /** quote() tells text, integer, real and NULL apart. */
  storedLiterals: (dataSource) => {
    const columns = dataSource.getMetadata(AuditEventEntity).columns.map((column) => `quote("${column.databaseName}")`);
    return handle(dataSource)
      .prepare(`SELECT ${columns.join(', ')} FROM audit_events ORDER BY id`)
      .raw()
      .all();
  },
  clear: (dataSource) => {
    handle(dataSource).exec('DELETE FROM audit_events');
  },
  cases: (subject) => {
    const count = () =>
      (handle(subject().bed.database.dataSource).prepare('SELECT COUNT(*) AS n FROM audit_events').get() as { n: number }).n;

    it('writes a large batch on its thread while the event loop keeps turning, in one transaction', async () => {
      const { writer } = subject();
      const chain = new AuditChain();
      const rows = Array.from({ length: SQLITE_ROWS_PER_TURN * 40 }, (_, i) => chain.append(writerEvent(i)));
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
      // The loop turned while the batch was prepared and written...
      expect(seen.length).toBeGreaterThan(10);
      // ...and never saw part of it: one transaction.
      expect(seen.every((stored) => stored === 0 || stored === rows.length)).toBe(true);
    });

    it("keeps the events when another module's transaction on the main connection rolls back", async () => {
      const { bed, writer } = subject();
      const rows = awkwardAuditRows();
      let writing: Promise<void> | undefined;
      await expect(
        bed.database.dataSource.transaction(async (manager) => {
          // The other module writes, so its transaction holds SQLite's write lock until it ends.
          await manager.query(`UPDATE audit_events SET reason = reason WHERE id = 'none'`);
          writing = writer.insert(rows);
          await new Promise((resolve) => setTimeout(resolve, 50));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await writing;
      expect(count()).toBe(rows.length);
    });

    it('refuses while the database is closed, and writes again once it is reopened', async () => {
      const { bed, writer } = subject();
      const rows = awkwardAuditRows();
      await writer.insert(rows.slice(0, 2));
      await bed.database.dataSource.destroy();
      await expect(writer.insert(rows.slice(2))).rejects.toThrow('not open');

      await bed.database.dataSource.initialize();
      await writer.insert(rows.slice(2));
      expect(count()).toBe(rows.length);
    });
  },
});
