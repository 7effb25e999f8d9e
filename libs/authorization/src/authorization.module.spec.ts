import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigModule, loadConfig } from '@infergate/common';
import { DatabaseModule, DatabaseService } from '@infergate/database';
import { ACCESS_POLICY, type AccessPolicy } from '@infergate/contracts';
import { testPrincipal } from './ability/ability-testing';
import { AbilityCache } from './ability/ability.cache';
import { CaslAccessPolicy } from './ability/casl-access-policy';
import { PoliciesGuard } from './ability/policies.guard';
import { AuthorizationModule } from './authorization.module';
import { ExplainService } from './explain/explain.service';

/** The module as another Nest app imports it: the shipped policy set, abilities behind ACCESS_POLICY. */
describe(AuthorizationModule.name, () => {
  let app: INestApplicationContext;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'infergate-authz-'));
    const config = loadConfig({
      SQLITE_PATH: join(dir, 'db.sqlite'),
      MASTER_KEY: randomBytes(32).toString('base64'),
      POLICY_DIR: join(__dirname, '../../../policies'),
      POLICY_WATCH: 'false',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ connectOnStart: false }),
        AuthorizationModule.forRoot({ maxEntries: 100 }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    app = await moduleRef.init();
    await app.get(DatabaseService).migrate();
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('provides ACCESS_POLICY, the guard and the explain service over the loaded policy set', () => {
    const policy = app.get<AccessPolicy>(ACCESS_POLICY);

    expect(policy).toBeInstanceOf(CaslAccessPolicy);
    expect(app.get(PoliciesGuard)).toBeInstanceOf(PoliciesGuard);
    expect(app.get(ExplainService)).toBeInstanceOf(ExplainService);
    expect(app.get(AbilityCache).current().version).toMatch(/\S/);
  });

  it('decides with the shipped policies: a platform admin reads any organization, a consumer not', () => {
    const policy = app.get<AccessPolicy>(ACCESS_POLICY);
    const admin = testPrincipal({ roleNames: ['platform-admin'], orgId: null, scopes: ['admin'] });
    const consumer = testPrincipal({ roleNames: ['model-consumer'], orgId: 'org-a', scopes: ['infer'] });

    expect(policy.can(admin, 'read', 'Organization', { id: 'org-z' })).toBe(true);
    expect(policy.can(consumer, 'administer', 'Organization', { id: 'org-z' })).toBe(false);
  });
});
