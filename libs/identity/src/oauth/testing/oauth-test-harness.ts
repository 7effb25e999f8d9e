import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditModule } from '@infergate/audit';
import { type OptionsInput } from '@infergate/common';
import { DatabaseModule, DatabaseService } from '@infergate/database';
import { MasterKey } from '../../crypto/master-key';
import { type IdentityModuleOptions } from '../../identity.options';
import { identityOptionsForTests } from '../../tenancy/tenancy-testing';
import { OAuthModule } from '../oauth.module';
import { SigningKeysService } from '../signing-keys.service';

export interface OAuthHarness {
  app: INestApplicationContext;
  database: DatabaseService;
  masterKey: MasterKey;
  config: IdentityModuleOptions;
  close(): Promise<void>;
}

/** The real OAuthModule on its own SQLite file, migrated; for the unit specs of this folder. */
export async function createOAuthHarness(options: OptionsInput<IdentityModuleOptions> = {}): Promise<OAuthHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'infergate-oauth-'));
  const identity = identityOptionsForTests({ masterKey: randomBytes(32).toString('base64'), issuer: 'https://auth.test', ...options });
  const moduleRef = await Test.createTestingModule({
    imports: [
      identity.module,
      DatabaseModule.forRoot({ database: { sqlitePath: join(dir, 'db.sqlite') }, connectOnStart: false }),
      AuditModule.forRoot({ spoolDir: join(dir, 'audit-spool') }),
      OAuthModule,
    ],
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
    config: identity.options,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
