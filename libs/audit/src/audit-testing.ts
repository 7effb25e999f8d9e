import { Test } from '@nestjs/testing';
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigModule, loadConfig, type Environment } from '@infergate/common';
import { DatabaseModule, DatabaseService } from '@infergate/database';
import { GatewayMetrics } from '@infergate/observability';
import { AuditModule } from './audit.module';
import { AuditService } from './audit.service';

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
export async function auditTestbed(env: Environment = {}, dir = mkdtempSync(join(tmpdir(), 'infergate-audit-'))): Promise<AuditTestbed> {
  const spoolDir = join(dir, 'spool');
  const config = loadConfig({ SQLITE_PATH: join(dir, 'db.sqlite'), AUDIT_SPOOL_DIR: spoolDir, ...env });
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), TestMetricsModule, DatabaseModule.forRoot({ connectOnStart: false }), AuditModule],
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
