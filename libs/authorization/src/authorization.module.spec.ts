import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditModule } from '@infergate/audit';
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
    const moduleRef = await Test.createTestingModule({
      imports: [
        DatabaseModule.forRoot({ database: { sqlitePath: join(dir, 'db.sqlite') }, connectOnStart: false }),
        AuditModule.forRoot({ spoolDir: join(dir, 'spool') }),
        AuthorizationModule.forRoot({
          policyDir: join(__dirname, '../../../policies'),
          watchPolicies: false,
          maxEntries: 100,
          explainApi: true,
        }),
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
