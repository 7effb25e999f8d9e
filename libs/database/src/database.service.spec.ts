import { Test } from '@nestjs/testing';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceUnavailableException } from '@infergate/common';
import { DatabaseModule } from './database.module';
import { DatabaseService } from './database.service';
import { MIGRATIONS } from './migrations';

describe(DatabaseService.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'infergate-db-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function create(sqlitePath: string, connectOnStart: boolean) {
    const moduleRef = await Test.createTestingModule({
      imports: [DatabaseModule.forRoot({ database: { sqlitePath }, connectOnStart })],
    }).compile();
    const app = await moduleRef.init();
    return { app, sut: app.get(DatabaseService) };
  }

  it('creates the SQLite directory, connects and migrates by itself when serving', async () => {
    const file = join(dir, 'nested', 'deeper', 'db.sqlite');
    const { app, sut } = await create(file, true);
    await sut.settled();
    expect(sut.state).toBe('ready');
    expect(existsSync(file)).toBe(true);
    expect(await sut.pendingMigrations()).toEqual([]);
    expect(await sut.ping()).toBe(true);
    await app.close();
  });

  it('runs and reverts migrations on command, and refuses repositories until migrated', async () => {
    const { app, sut } = await create(join(dir, 'db.sqlite'), false);
    expect(sut.state).toBe('connecting');
    expect(() => sut.repository('audit_events')).toThrow(ServiceUnavailableException);
    expect(await sut.ping()).toBe(false);

    const names = MIGRATIONS.map((m) => m.name);
    expect(await sut.pendingMigrations()).toEqual(names);
    expect(await sut.migrate()).toEqual(names);
    expect(await sut.migrate()).toEqual([]);
    expect(await sut.dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'`)).toHaveLength(1);

    const tables = async () => (await sut.dataSource.query<unknown[]>(`SELECT name FROM sqlite_master WHERE type = 'table'`)).length;
    const tablesBefore = await tables();
    expect(await sut.revertLast()).toBe(names[names.length - 1]);
    expect(await sut.pendingMigrations()).toEqual([names[names.length - 1]]);
    expect(await tables()).toBeLessThan(tablesBefore);
    await app.close();
  });
});
