import { ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigModule, Environment, loadConfig } from '@infergate/common';
import { DatabaseModule, DatabaseService } from '@infergate/database';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { IdentityCoreModule } from '../identity-core.module';
import type { Principal, RoleGrant } from '../principal';
import { TenancyDirectoryModule } from './tenancy-directory.module';
import type { Scope } from './tenancy.types';

/** For unit specs of the tenancy directory and API keys: the real services on a fresh SQLite file. */
export async function startTenancyTestbed(env: Environment = {}, extra: ModuleMetadata = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'infergate-tenancy-'));
  const config = loadConfig({ SQLITE_PATH: join(dir, 'db.sqlite'), MASTER_KEY: randomBytes(32).toString('base64'), ...env });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      DatabaseModule.forRoot({ connectOnStart: false }),
      IdentityCoreModule,
      TenancyDirectoryModule,
      ApiKeysModule,
      ...(extra.imports ?? []),
    ],
    providers: extra.providers ?? [],
  }).compile();
  moduleRef.useLogger(false);
  const app = await moduleRef.init();
  const database = app.get(DatabaseService);
  await database.migrate();
  return {
    app,
    database,
    config,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A principal of `orgId` holding `roles` there (or platform-wide for platform-admin). */
export function testPrincipal(
  orgId: string | null,
  roles: RoleGrant['role'][],
  subject = 'caller',
  scopes: Scope[] = ['admin'],
): Principal {
  return {
    kind: 'application',
    subject,
    orgId,
    projectIds: [],
    roles: roles.map((role) => ({ role, orgId: role === 'platform-admin' ? null : orgId, projectId: null })),
    scopes,
    clearance: 'restricted',
    allowedRegions: [],
    allowedCidrs: [],
    authMethod: 'api_key',
  };
}
