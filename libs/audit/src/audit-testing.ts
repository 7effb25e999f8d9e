import { Test } from '@nestjs/testing';
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OptionsInput } from '@infergate/common';
import type { DataSource } from 'typeorm';
import { DatabaseModule, DatabaseService } from '@infergate/database';
import { GatewayMetrics } from '@infergate/observability';
import type { AuditEventInput } from './audit-event';
import { AuditEventEntity } from './audit-event.entity';
import { AuditModule } from './audit.module';
import { type AuditOptions } from './audit.options';
import { AuditService } from './audit.service';
import { AuditChain } from './chain/audit-chain';

/** The metric catalogue alone (the full ObservabilityModule brings HTTP hooks these specs have no use for). */
@Global()
@Module({ providers: [{ provide: GatewayMetrics, useFactory: () => new GatewayMetrics() }], exports: [GatewayMetrics] })
class TestMetricsModule {}

export interface AuditTestbed {
  dir: string;
  spoolDir: string;
  app: INestApplicationContext;
  database: DatabaseService;
  audit: AuditService;
  close(): Promise<void>;
}

/** AuditModule on a migrated SQLite file and a spool directory of its own, for the audit specs. */
/** AuditModule's options for the testbed, and the database: PostgreSQL at `databaseUrl`, or SQLite at `sqlitePath`. */
export type AuditTestbedOptions = OptionsInput<AuditOptions> & { databaseUrl?: string; sqlitePath?: string };

export async function auditTestbed(
  options: AuditTestbedOptions = {},
  dir = mkdtempSync(join(tmpdir(), 'infergate-audit-')),
): Promise<AuditTestbed> {
  const { databaseUrl, sqlitePath, ...audit } = options;
  const spoolDir = audit.spoolDir ?? join(dir, 'spool');
  const moduleRef = await Test.createTestingModule({
    imports: [
      TestMetricsModule,
      DatabaseModule.forRoot({ database: { url: databaseUrl, sqlitePath: sqlitePath ?? join(dir, 'db.sqlite') }, connectOnStart: false }),
      AuditModule.forRoot({ ...audit, spoolDir }),
    ],
  }).compile();
  moduleRef.useLogger(false);
  const app = await moduleRef.init();
  const database = app.get(DatabaseService);
  await database.migrate();
  return {
    dir,
    spoolDir,
    app,
    database,
    audit: app.get(AuditService),
    close: async () => {
      await app.close();
    },
  };
}

/** Removes a testbed's directory. */
export function removeTestbedDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * How AuditService stored events before AuditEventWriter: TypeORM's insert query builder. The
 * writer's specs compare what each stores, byte for byte.
 */
export async function insertWithQueryBuilder(dataSource: DataSource, rows: AuditEventEntity[]): Promise<void> {
  await dataSource
    .getRepository(AuditEventEntity)
    .createQueryBuilder()
    .insert()
    .into(AuditEventEntity)
    .values(rows)
    .orIgnore()
    .updateEntity(false)
    .execute();
}

/** Chained rows with content a writer could get wrong: every kind of character, number and date. */
export function awkwardAuditRows(chain = new AuditChain()): AuditEventEntity[] {
  const inputs: AuditEventInput[] = [
    {
      action: 'model.infer',
      outcome: 'success',
      actor: { type: 'application', id: 'app-1' },
      orgId: 'org-1',
      resource: { type: 'ModelVersion', id: 'v-1' },
      requestId: 'req-1',
      details: { model: 'm', version: 1, status: 200, durationMs: 1.25, inputDigest: 'sha256:ab', upstream: 'kserve-v2' },
      occurredAt: new Date('2026-03-04T05:06:07.089Z'),
    },
    {
      action: `quotes " and ' and \\ and \n and \t and ${'\u0001'}`,
      outcome: 'failure',
      actor: { type: 'user', id: 'ünïcödé-😀-日本語-\u2028' },
      reason: 'lone \uD800 and \uDC00 surrogates, a NUL \u0000 here',
      details: {
        '10': 'ten',
        '9': 'nine',
        nested: 'a"b\\c',
        emoji: '😀',
        big: 1e21,
        small: 5e-324,
        neg: -0,
        nan: Number.NaN,
        yes: true,
        no: false,
        none: null,
      },
      occurredAt: new Date('1969-12-31T23:59:59.999Z'),
    },
    { action: 'epoch', outcome: 'denied', actor: { type: 'anonymous' }, details: {}, occurredAt: new Date(0) },
    { action: 'far future', outcome: 'success', actor: { type: 'system' }, occurredAt: new Date('2199-12-31T23:59:59.001Z') },
    { action: 'x'.repeat(300), outcome: 'success', actor: { type: 'system', id: '😀'.repeat(300) }, requestId: 'r'.repeat(200) },
  ];
  return inputs.map((input) => chain.append(input));
}
