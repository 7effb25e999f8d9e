import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DATABASE_OPTIONS, type DatabaseModuleOptions } from '@infergate/database';
import { dataSourceOptions } from '@infergate/database';
import { GatewayMetrics } from '@infergate/observability';
import { AuditCheckpointEntity } from '../audit-checkpoint.entity';
import { AuditEventEntity } from '../audit-event.entity';
import { auditTestbed, removeTestbedDir, type AuditTestbed } from '../audit-testing';
import { verifyAuditTrail } from '../chain/chain-verifier';
import { AuditSpool } from './audit-spool';

/** Every NDJSON line in every file under `dir`. */
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

describe('audit spool', () => {
  let dir: string;
  let bed: AuditTestbed;
  const beds: AuditTestbed[] = [];
  const open = async () => {
    const next = await auditTestbed({ flushIntervalMs: 60000 }, dir);
    beds.push(next);
    return next;
  };
  const record = (testbed: AuditTestbed, n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) =>
      testbed.audit.enqueue({ action: `spool.${prefix}`, outcome: 'success', actor: { type: 'system' }, requestId: `${prefix}-${i}` }),
    );
  const storedIds = async (testbed: AuditTestbed) =>
    (await testbed.database.repository(AuditEventEntity).find({ select: { id: true } })).map((row) => row.id);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'infergate-spool-'));
    bed = await open();
  });

  afterEach(async () => {
    for (const testbed of beds.splice(0)) await testbed.close().catch(() => undefined);
    removeTestbedDir(dir);
  });

  it('spools while the database is down and replays each event exactly once when it is back', async () => {
    const before = record(bed, 3, 'before');
    await bed.audit.flush();
    await bed.database.dataSource.destroy();

    const during = record(bed, 7, 'during');
    await bed.audit.flush();
    expect(spooledLines(bed.spoolDir)).toHaveLength(7);
    expect(bed.audit.spoolDepth).toBe(7);
    const metrics = bed.app.get(GatewayMetrics);
    expect((await metrics.auditSpoolDepth.get()).values[0].value).toBe(7);
    expect((await metrics.auditWriteFailures.get()).values[0].value).toBeGreaterThanOrEqual(1);

    await bed.database.dataSource.initialize();
    const after = record(bed, 4, 'after');
    await bed.audit.flush();

    const stored = await storedIds(bed);
    expect(stored.sort()).toEqual([...before, ...during, ...after].sort());
    expect(spooledLines(bed.spoolDir)).toEqual([]);
    expect(bed.audit.spoolDepth).toBe(0);
    expect((await metrics.auditSpoolDepth.get()).values[0].value).toBe(0);
    expect(await verifyAuditTrail(bed.database.dataSource)).toMatchObject({ intact: true, chains: [{ events: 14 }] });
  });

  it('replays the spool of a process that stopped before the database came back, before its own events', async () => {
    await bed.database.dataSource.destroy();
    const lost = record(bed, 5, 'first-process');
    await bed.close(); // graceful, but the database is away: the events stay spooled
    expect(spooledLines(bed.spoolDir)).toHaveLength(5);

    const next = await open();
    const own = record(next, 2, 'second-process');
    await next.audit.flush();
    expect((await storedIds(next)).sort()).toEqual([...lost, ...own].sort());
    expect(spooledLines(next.spoolDir)).toEqual([]);
    expect(await verifyAuditTrail(next.database.dataSource)).toMatchObject({ intact: true });
  });

  it('inserts nothing twice when a crash left the spool in place after its events reached the database', async () => {
    await bed.database.dataSource.destroy();
    const ids = record(bed, 6, 'crash');
    await bed.audit.flush();
    await bed.close();
    const lines = spooledLines(bed.spoolDir);
    expect(lines).toHaveLength(6);

    // The batch made it into the database, then the process died before the spool was truncated.
    const { database } = bed.app.get<DatabaseModuleOptions>(DATABASE_OPTIONS);
    const direct = new DataSource({ ...dataSourceOptions(database), entities: [AuditEventEntity, AuditCheckpointEntity] });
    await direct.initialize();
    const rows = lines.map((line) => {
      const row = JSON.parse(line) as AuditEventEntity & { occurredAt: string };
      return { ...row, occurredAt: new Date(row.occurredAt) };
    });
    await direct.getRepository(AuditEventEntity).insert(rows.slice(0, 4));
    await direct.destroy();

    const next = await open();
    await next.audit.flush();
    const stored = await storedIds(next);
    expect(stored.sort()).toEqual([...ids].sort());
    expect(new Set(stored).size).toBe(stored.length);
    expect(spooledLines(next.spoolDir)).toEqual([]);
    expect(await verifyAuditTrail(next.database.dataSource)).toMatchObject({ intact: true });
  });

  it('skips a line torn by a crash mid-append and replays the rest', async () => {
    await bed.database.dataSource.destroy();
    const ids = record(bed, 3, 'torn');
    await bed.audit.flush();
    await bed.close();
    const [file] = readdirSync(bed.spoolDir, { recursive: true, withFileTypes: true }).filter((e) => e.name === 'active.ndjson');
    appendFileSync(join(file.parentPath, file.name), '{"id":"half-written","occ');

    const next = await open();
    await next.audit.flush();
    expect((await storedIds(next)).sort()).toEqual([...ids].sort());
    expect(spooledLines(next.spoolDir)).toEqual([]);
  });

  it('leaves alone the spool of another writer that is still running, even in the same process', async () => {
    await bed.database.dataSource.destroy();
    record(bed, 3, 'live-writer');
    await bed.audit.flush();
    const next = await open();
    await next.audit.flush();
    expect(await storedIds(next)).toEqual([]);
    expect(spooledLines(bed.spoolDir)).toHaveLength(3);
  });

  it('spills the memory queue to the spool above its cap, and still stores every event once', async () => {
    const capped = await auditTestbed({ flushIntervalMs: 60000, batchSize: 1000 }, mkdtempSync(join(tmpdir(), 'infergate-cap-')));
    beds.push(capped);
    const append = jest.spyOn(AuditSpool.prototype, 'append');
    try {
      // Recorded faster than the writer runs: the queue passes its cap (10 000) before the first write.
      const ids = Array.from({ length: 10_500 }, (_, i) =>
        capped.audit.enqueue({ action: 'spill', outcome: 'success', actor: { type: 'system' }, requestId: `spill-${i}` }),
      );
      await capped.audit.flush();
      expect(append).toHaveBeenCalled();
      expect(append.mock.calls.reduce((sum, [rows]) => sum + rows.length, 0)).toBeGreaterThan(10_000);
      const stored = await capped.database.repository(AuditEventEntity).count();
      expect(stored).toBe(ids.length);
      expect(await verifyAuditTrail(capped.database.dataSource)).toMatchObject({ intact: true, chains: [{ events: 10_500 }] });
    } finally {
      append.mockRestore();
      removeTestbedDir(capped.dir);
    }
  }, 60_000);

  it('never replays a spool into another database', async () => {
    await bed.database.dataSource.destroy();
    record(bed, 2, 'elsewhere');
    await bed.close();
    const other = await auditTestbed({ spoolDir: bed.spoolDir, sqlitePath: join(dir, 'other.sqlite') }, dir);
    beds.push(other);
    await other.audit.flush();
    expect(await storedIds(other)).toEqual([]);
    expect(spooledLines(bed.spoolDir)).toHaveLength(2);
  });
});
