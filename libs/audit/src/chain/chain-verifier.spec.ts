import { randomUUID } from 'node:crypto';
import { AuditEventEntity } from '../audit-event.entity';
import { auditTestbed, removeTestbedDir, type AuditTestbed } from '../audit-testing';
import { hashEvent } from './canonical-event';
import { verifyAuditTrail } from './chain-verifier';

describe(verifyAuditTrail.name, () => {
  let bed: AuditTestbed;
  let ids: string[];

  const sql = (query: string, parameters: unknown[] = []) => bed.database.dataSource.query(query, parameters);
  const verify = () => verifyAuditTrail(bed.database.dataSource);

  beforeEach(async () => {
    bed = await auditTestbed();
    ids = Array.from({ length: 10 }, (_, i) =>
      bed.audit.enqueue({ action: `test.event.${i + 1}`, outcome: 'success', actor: { type: 'user', id: `u${i}` }, details: { n: i } }),
    );
    await bed.audit.flush();
  });

  afterEach(async () => {
    await bed.close();
    removeTestbedDir(bed.dir);
  });

  it('finds an untouched trail intact', async () => {
    expect(await verify()).toMatchObject({ intact: true, firstFinding: null, chains: [{ events: 10, lastSeq: 10, finding: null }] });
  });

  it('names an event whose content was changed', async () => {
    await sql(`UPDATE audit_events SET outcome = 'failure' WHERE id = ?`, [ids[4]]);
    expect((await verify()).firstFinding).toMatchObject({ kind: 'changed', eventId: ids[4], seq: 5 });
  });

  it('names an event whose details were changed', async () => {
    await sql(`UPDATE audit_events SET details = '{"n":99}' WHERE id = ?`, [ids[2]]);
    expect((await verify()).firstFinding).toMatchObject({ kind: 'changed', eventId: ids[2], seq: 3 });
  });

  it('finds an event changed and re-hashed by someone who knows the scheme, at the link to the next one', async () => {
    const row = await bed.database.repository(AuditEventEntity).findOneByOrFail({ id: ids[5] });
    const forged = { ...row, outcome: 'denied' as const };
    await sql(`UPDATE audit_events SET outcome = 'denied', hash = ? WHERE id = ?`, [hashEvent(forged), ids[5]]);
    const finding = (await verify()).firstFinding;
    expect(finding).toMatchObject({ kind: 'deleted', eventId: ids[6], seq: 7 });
    expect(finding?.reason).toContain(ids[5]);
  });

  it('names the event after a deleted one', async () => {
    await sql(`DELETE FROM audit_events WHERE id = ?`, [ids[3]]);
    const finding = (await verify()).firstFinding;
    expect(finding).toMatchObject({ kind: 'deleted', eventId: ids[4], seq: 5 });
    expect(finding?.reason).toContain('seq 4 is missing');
  });

  it('finds the first event deleted', async () => {
    await sql(`DELETE FROM audit_events WHERE id = ?`, [ids[0]]);
    expect((await verify()).firstFinding).toMatchObject({ kind: 'deleted', eventId: ids[1], seq: 2 });
  });

  it('finds deleted events whose successors were renumbered to close the gap', async () => {
    await sql(`DELETE FROM audit_events WHERE id = ?`, [ids[7]]);
    await sql(`UPDATE audit_events SET seq = 8 WHERE id = ?`, [ids[8]]);
    await sql(`UPDATE audit_events SET seq = 9 WHERE id = ?`, [ids[9]]);
    // Renumbering changes what was hashed: the moved event is named with where it was written.
    expect((await verify()).firstFinding).toMatchObject({ kind: 'reordered', eventId: ids[8], seq: 8 });
  });

  it('names two events that swapped places', async () => {
    await sql(`UPDATE audit_events SET seq = -1 WHERE id = ?`, [ids[2]]);
    await sql(`UPDATE audit_events SET seq = 3 WHERE id = ?`, [ids[3]]);
    await sql(`UPDATE audit_events SET seq = 4 WHERE id = ?`, [ids[2]]);
    const finding = (await verify()).firstFinding;
    expect(finding).toMatchObject({ kind: 'reordered', eventId: ids[3], seq: 3 });
    expect(finding?.reason).toContain('written at seq 4');
  });

  it('finds an event inserted into the chain', async () => {
    const row = await bed.database.repository(AuditEventEntity).findOneByOrFail({ id: ids[9] });
    const forged = { ...row, id: randomUUID(), seq: 11, prevHash: 'a'.repeat(64) };
    await bed.database.repository(AuditEventEntity).insert({ ...forged, hash: hashEvent(forged) });
    expect((await verify()).firstFinding).toMatchObject({ kind: 'deleted', eventId: forged.id, seq: 11 });
  });

  it('reports rows from before the chain as unchained without failing', async () => {
    await sql(
      `INSERT INTO audit_events (id, occurred_at, actor_type, action, outcome) VALUES ('legacy-1', '2025-01-01 00:00:00.000', 'system', 'old', 'success')`,
    );
    expect(await verify()).toMatchObject({ intact: true, unchained: 1 });
  });

  it('verifies one chain when asked, and an unknown chain as empty', async () => {
    expect(await verifyAuditTrail(bed.database.dataSource, { chain: bed.audit.chainId })).toMatchObject({
      intact: true,
      chains: [{ chain: bed.audit.chainId, events: 10 }],
    });
    expect(await verifyAuditTrail(bed.database.dataSource, { chain: 'nope' })).toMatchObject({ intact: true, chains: [{ events: 0 }] });
  });
});
