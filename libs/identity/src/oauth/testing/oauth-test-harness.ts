import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_CONFIG, ConfigModule, Environment, InfergateConfig, loadConfig } from '@infergate/common';
import { DatabaseModule, DatabaseService } from '@infergate/database';
import { MasterKey } from '../../crypto/master-key';
import { OAuthModule } from '../oauth.module';
import { SigningKeysService } from '../signing-keys.service';

export interface OAuthHarness {
  app: INestApplicationContext;
  database: DatabaseService;
  masterKey: MasterKey;
  config: InfergateConfig;
  close(): Promise<void>;
}

/** The real OAuthModule on its own SQLite file, migrated; for the unit specs of this folder. */
export async function createOAuthHarness(env: Environment = {}): Promise<OAuthHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'infergate-oauth-'));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    SQLITE_PATH: join(dir, 'db.sqlite'),
    MASTER_KEY: randomBytes(32).toString('base64'),
    ISSUER_URL: 'https://auth.test',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot({ connectOnStart: false }), OAuthModule],
  }).compile();
  moduleRef.useLogger(false);
  const app = await moduleRef.init();
  const database = app.get(DatabaseService);
  await database.migrate();
  // Let the start-up key maintenance (run in the background) finish before the test begins.
  await app.get(SigningKeysService).maintain();
  return {
    app,
    database,
    masterKey: app.get(MasterKey),
    config: app.get<InfergateConfig>(APP_CONFIG),
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
