import { AUDIT_OPTIONS, type AuditOptions } from '../audit.options';
import { AuditCheckpointEntity } from '../audit-checkpoint.entity';
import { AuditEventEntity } from '../audit-event.entity';
import { auditTestbed, removeTestbedDir, type AuditTestbed } from '../audit-testing';
import { verifyAuditTrail } from '../chain/chain-verifier';
import { AuditRetentionService } from './audit-retention.service';

const DAY = 24 * 60 * 60 * 1000;

describe(AuditRetentionService.name, () => {
  let bed: AuditTestbed;
  let sut: AuditRetentionService;
  let ids: string[];
  const now = new Date('2026-06-01T00:00:00.000Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);

  beforeEach(async () => {
    bed = await auditTestbed({ retentionDays: 30 });
    sut = new AuditRetentionService(bed.database, bed.audit, bed.app.get<AuditOptions>(AUDIT_OPTIONS));
    // seq 1..6 expired, 7 recent, 8 expired (recorded late), 9..10 recent.
    const ages = [90, 80, 70, 60, 50, 40, 5, 45, 2, 1];
    ids = ages.map((age, i) =>
      bed.audit.enqueue({ action: `retained.${i + 1}`, outcome: 'success', actor: { type: 'system' }, occurredAt: daysAgo(age) }),
    );
    await bed.audit.flush();
  });

  afterEach(async () => {
    await bed.close();
    removeTestbedDir(bed.dir);
  });

  const remaining = async () =>
    (await bed.database.repository(AuditEventEntity).find({ where: { chain: bed.audit.chainId }, order: { seq: 'ASC' } })).filter((row) =>
      row.action.startsWith('retained.'),
    );

  it('prunes the expired prefix of a chain, keeps a checkpoint, and the rest still verifies', async () => {
    const run = await sut.prune(now);
    expect(run).toMatchObject({ deleted: 6, chains: [{ chain: bed.audit.chainId, throughSeq: 6, deleted: 6 }] });
    expect((await remaining()).map((row) => row.id)).toEqual(ids.slice(6));
    expect(await bed.database.repository(AuditCheckpointEntity).findOneByOrFail({ chain: bed.audit.chainId })).toMatchObject({
      throughSeq: 6,
    });
    await bed.audit.flush();
    expect(await verifyAuditTrail(bed.database.dataSource)).toMatchObject({
      intact: true,
      chains: [{ chain: bed.audit.chainId, checkpointSeq: 6 }],
    });
  });

  it('records its own run in the audit trail', async () => {
    await sut.prune(now);
    await bed.audit.flush();
    const events = bed.database.repository(AuditEventEntity);
    expect(await events.findOneByOrFail({ action: 'audit.retention.run' })).toMatchObject({
      outcome: 'success',
      actorType: 'system',
      details: expect.objectContaining({ deleted: 6, chains: 1, retentionDays: 30 }),
    });
    expect(await events.findOneByOrFail({ action: 'audit.retention.pruned' })).toMatchObject({
      details: expect.objectContaining({ prunedChain: bed.audit.chainId, throughSeq: 6 }),
    });
  });

  it('still catches tampering with what remains after a prune', async () => {
    await sut.prune(now);
    await bed.audit.flush();
    await bed.database.dataSource.query(`UPDATE audit_events SET action = 'forged' WHERE id = ?`, [ids[8]]);
    expect((await verifyAuditTrail(bed.database.dataSource)).firstFinding).toMatchObject({ kind: 'changed', eventId: ids[8], seq: 9 });
  });

  it('catches the deletion of the first event after the checkpoint', async () => {
    await sut.prune(now);
    await bed.audit.flush();
    await bed.database.dataSource.query(`DELETE FROM audit_events WHERE id = ?`, [ids[6]]);
    expect((await verifyAuditTrail(bed.database.dataSource)).firstFinding).toMatchObject({ kind: 'deleted', eventId: ids[7], seq: 8 });
  });

  it('moves the checkpoint on a later run and deletes nothing twice', async () => {
    await sut.prune(now);
    const later = await sut.prune(new Date(now.getTime() + 26 * DAY));
    // Cutoff now - 4 days: 7 and 8 have expired too, 9 has not: the prefix through 8 goes.
    expect(later.chains).toEqual([expect.objectContaining({ chain: bed.audit.chainId, throughSeq: 8, deleted: 2 })]);
    await bed.audit.flush();
    expect(await verifyAuditTrail(bed.database.dataSource)).toMatchObject({ intact: true });
  });

  it('deletes expired rows from before the chain', async () => {
    await bed.database.dataSource.query(
      `INSERT INTO audit_events (id, occurred_at, actor_type, action, outcome) VALUES ('legacy-old', '2025-01-01 00:00:00.000', 'system', 'old', 'success')`,
    );
    expect((await sut.prune(now)).unchainedDeleted).toBe(1);
  });
});
