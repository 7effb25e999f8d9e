import { ModuleMetadata } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway } from '../../apps/gateway/src/gateway';
import { Environment } from '@infergate/common';
import { loadConfig } from '../../apps/gateway/src/config';
import { DatabaseService } from '@infergate/database';

/**
 * Settings every test gateway starts with. Limits never decide a test that is not about them (a
 * generous plan and pre-auth bucket); throttling tests pass their own PLANS_DIR and PREAUTH_* values.
 */
export const TEST_DEFAULTS: Readonly<Record<string, string>> = {
  PLANS_DIR: join(__dirname, 'plans'),
  // A fixed, test-only master key: replicas sharing a database must share it (secrets, signing keys).
  MASTER_KEY: Buffer.alloc(32, 0x5a).toString('base64'),
  PREAUTH_RATE_PER_SECOND: '100000',
  PREAUTH_BURST: '1000000',
};

export interface RunningGateway {
  app: NestFastifyApplication;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * The real gateway, listening on 127.0.0.1 on a free port, with its own SQLite file unless the
 * environment given points elsewhere. Resolves once the first database connection attempt settled.
 */
export async function startGateway(env: Environment = {}, imports: ModuleMetadata['imports'] = []): Promise<RunningGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'infergate-e2e-'));
  const config = loadConfig({
    ...TEST_DEFAULTS,
    LOG_LEVEL: 'silent',
    SQLITE_PATH: join(dataDir, 'infergate.sqlite'),
    AUDIT_SPOOL_DIR: join(dataDir, 'audit-spool'),
    ...env,
  });
  const app = await createGateway(config, { imports });
  await app.listen({ host: '127.0.0.1', port: 0 });
  await app.get(DatabaseService).settled();
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
