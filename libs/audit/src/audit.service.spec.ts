import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigModule, loadConfig } from '@infergate/common';
import { DatabaseModule, DatabaseService } from '@infergate/database';
import { AuditEventEntity } from './audit-event.entity';
import { AuditModule } from './audit.module';
import { AuditService } from './audit.service';

describe(AuditService.name, () => {
  let dir: string;
  let database: DatabaseService;
  let sut: AuditService;
  let close: () => Promise<void>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'infergate-audit-'));
    const config = loadConfig({ SQLITE_PATH: join(dir, 'db.sqlite') });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot({ connectOnStart: false }), AuditModule],
    }).compile();
    moduleRef.useLogger(false);
    const app = await moduleRef.init();
    database = app.get(DatabaseService);
    await database.migrate();
    sut = app.get(AuditService);
    close = () => app.close();
  });

  afterEach(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('persists an event with every field of the contract', async () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    const id = await sut.record({
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
    const stored = await database.repository(AuditEventEntity).findOneByOrFail({ id });
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
    });
  });

  it('gives every event its own id', async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, () => sut.record({ action: 'x', outcome: 'denied', actor: { type: 'anonymous' } })),
    );
    expect(new Set(ids).size).toBe(20);
    expect(await database.repository(AuditEventEntity).count()).toBe(20);
  });

  it('never throws into the caller when the database is gone', async () => {
    await database.dataSource.destroy();
    await expect(sut.record({ action: 'x', outcome: 'failure', actor: { type: 'system' } })).resolves.toEqual(expect.any(String));
  });
});
