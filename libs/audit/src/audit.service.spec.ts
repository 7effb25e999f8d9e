import { GatewayMetrics } from '@infergate/observability';
import { AuditEventEntity } from './audit-event.entity';
import { auditTestbed, removeTestbedDir, type AuditTestbed } from './audit-testing';
import { AuditService } from './audit.service';
import { verifyAuditTrail } from './chain/chain-verifier';

describe(AuditService.name, () => {
  let bed: AuditTestbed;

  beforeEach(async () => {
    bed = await auditTestbed({ flushIntervalMs: 60000, batchSize: 5 });
  });

  afterEach(async () => {
    await bed.close();
    removeTestbedDir(bed.dir);
  });

  it('persists an event with every field of the contract, chained', async () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    const id = await bed.audit.record({
      action: 'auth.token.issued',
      outcome: 'success',
      actor: { type: 'application', id: 'app-1' },
      orgId: 'org-1',
      resource: { type: 'Token', id: 'jti-1' },
      reason: 'client_credentials',
      requestId: 'req-1',
      details: { scopes: 'infer', ttlSeconds: 600 },
      occurredAt: at,
    });
    await bed.audit.flush();
    const stored = await bed.database.repository(AuditEventEntity).findOneByOrFail({ id });
    expect(stored).toEqual({
      id,
      occurredAt: at,
      actorType: 'application',
      actorId: 'app-1',
      orgId: 'org-1',
      action: 'auth.token.issued',
      resourceType: 'Token',
      resourceId: 'jti-1',
      outcome: 'success',
      reason: 'client_credentials',
      requestId: 'req-1',
      details: { scopes: 'infer', ttlSeconds: 600 },
      chain: bed.audit.chainId,
      seq: 1,
      prevHash: '0'.repeat(64),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('returns the id before anything reaches the database, and writes it off the request path', async () => {
    const id = bed.audit.enqueue({ action: 'x', outcome: 'denied', actor: { type: 'anonymous' } });
    expect(await bed.database.repository(AuditEventEntity).countBy({ id })).toBe(0);
    await bed.audit.flush();
    expect(await bed.database.repository(AuditEventEntity).countBy({ id })).toBe(1);
  });

  it('writes a full batch without waiting for the flush interval', async () => {
    for (let i = 0; i < 5; i += 1) bed.audit.enqueue({ action: 'batch', outcome: 'success', actor: { type: 'system' } });
    const deadline = Date.now() + 5_000;
    while ((await bed.database.repository(AuditEventEntity).countBy({ action: 'batch' })) < 5 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await bed.database.repository(AuditEventEntity).countBy({ action: 'batch' })).toBe(5);
  });

  it('gives every event its own id and seq, and the stored chain verifies', async () => {
    const ids = await Promise.all(
      Array.from({ length: 23 }, () => bed.audit.record({ action: 'x', outcome: 'denied', actor: { type: 'anonymous' } })),
    );
    await bed.audit.flush();
    expect(new Set(ids).size).toBe(23);
    const rows = await bed.database.repository(AuditEventEntity).find({ order: { seq: 'ASC' } });
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(rows.map((row) => row.id)).toEqual(ids);
    const verification = await verifyAuditTrail(bed.database.dataSource);
    expect(verification).toMatchObject({ intact: true, unchained: 0, chains: [{ chain: bed.audit.chainId, events: 23, lastSeq: 23 }] });
  });

  it('writes what is still queued when the application shuts down', async () => {
    const ids = [1, 2, 3].map((i) => bed.audit.enqueue({ action: `shutdown.${i}`, outcome: 'success', actor: { type: 'system' } }));
    await bed.close();
    const reopened = await auditTestbed({}, bed.dir);
    try {
      expect((await reopened.database.repository(AuditEventEntity).find()).map((row) => row.id).sort()).toEqual([...ids].sort());
    } finally {
      await reopened.close();
    }
  });

  it('counts recorded events by outcome in the metrics', async () => {
    bed.audit.enqueue({ action: 'm', outcome: 'denied', actor: { type: 'anonymous' } });
    bed.audit.enqueue({ action: 'm', outcome: 'denied', actor: { type: 'anonymous' } });
    const values = (await bed.app.get(GatewayMetrics).auditEvents.get()).values;
    expect(values.find((value) => value.labels.outcome === 'denied')?.value).toBe(2);
  });

  it('never throws into the caller when the database is gone', async () => {
    await bed.database.dataSource.destroy();
    expect(() => bed.audit.enqueue({ action: 'x', outcome: 'failure', actor: { type: 'system' } })).not.toThrow();
    await expect(bed.audit.record({ action: 'x', outcome: 'failure', actor: { type: 'system' } })).resolves.toEqual(expect.any(String));
    await bed.audit.flush();
    expect(bed.audit.spoolDepth).toBe(2);
  });

  it('cuts values to the column widths and drops NUL characters, so a batch is never refused for its data', async () => {
    const id = bed.audit.enqueue({
      action: `a\u0000${'b'.repeat(500)}`,
      outcome: 'failure',
      actor: { type: 'anonymous', id: '😀'.repeat(300) },
    });
    await bed.audit.flush();
    const row = await bed.database.repository(AuditEventEntity).findOneByOrFail({ id });
    expect(row.action).toBe(`a${'b'.repeat(127)}`);
    expect(Array.from(row.actorId!)).toHaveLength(255);
    expect((await verifyAuditTrail(bed.database.dataSource)).intact).toBe(true);
  });
});
