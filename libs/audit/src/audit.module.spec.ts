import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@infergate/common';
import { DatabaseModule } from '@infergate/database';
import { AuditModule } from './audit.module';
import { AUDIT_OPTIONS, type AuditOptions } from './audit.options';
import { AuditService } from './audit.service';

/** A library module that records events: it imports the bare AuditModule, as identity or the registry do. */
@Injectable()
class Recorder {
  constructor(readonly audit: AuditService) {}
}
@Module({ imports: [AuditModule], providers: [Recorder], exports: [Recorder] })
class RecordingModule {}

/** Supplies a setting through DI, as an application's own configuration module would for forRootAsync. */
@Module({ providers: [{ provide: 'SPOOL_DIR', useFactory: () => spoolDir }], exports: ['SPOOL_DIR'] })
class SettingsModule {}

let spoolDir: string;

describe(AuditModule.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'infergate-audit-module-'));
    spoolDir = join(dir, 'spool');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const database = () => DatabaseModule.forRoot({ database: { sqlitePath: join(dir, 'db.sqlite') }, connectOnStart: false });

  it('forRootAsync: options from a factory with its own imports, validated with their defaults, one AuditService for every importer', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        database(),
        AuditModule.forRootAsync({
          imports: [SettingsModule],
          inject: ['SPOOL_DIR'],
          useFactory: (dir: string) => ({ spoolDir: dir, batchSize: 7 }),
        }),
        RecordingModule,
      ],
    }).compile();
    try {
      expect(moduleRef.get<AuditOptions>(AUDIT_OPTIONS)).toEqual({ spoolDir, batchSize: 7, flushIntervalMs: 200, retentionDays: 365 });
      // The bare AuditModule the library imports is the module forRoot configured: one chain, one spool.
      expect(moduleRef.get(Recorder).audit).toBe(moduleRef.get(AuditService));
    } finally {
      await moduleRef.close();
    }
  });

  it('refuses invalid options at start with one line naming the setting', async () => {
    const compiling = Test.createTestingModule({
      imports: [database(), AuditModule.forRoot({ spoolDir, batchSize: 0 }), RecordingModule],
    }).compile();
    const error: unknown = await compiling.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems).toEqual(['audit.batchSize: must not be less than 1']);
  });
});
