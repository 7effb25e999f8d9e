/**
 * Decision cost of the authorization module (issue 4, "Decision cost"): a cached ability check on a
 * resource instance, against building an ability and building a restricted SQL query.
 *
 *   node -r @swc-node/register bench/authorization.bench.ts [iterations]
 *
 * Exits non-zero when a cached check is not well under 50 µs (the target).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { AuditService } from '@infergate/audit';
import type { Principal } from '@infergate/contracts';
import { AuthzTestModel } from '../libs/authorization/src/ability/ability-sql-testing';
import { TestPolicySource, testPolicySet, testPrincipal } from '../libs/authorization/src/ability/ability-testing';
import { AbilityCache, asSubject, buildAbility, CaslAccessPolicy } from '../libs/authorization/src/ability';
import type { PolicyRule } from '../libs/authorization/src/policy/policy.types';

const TARGET_NS = 50_000;
const iterations = Math.max(100_000, Number(process.argv[2] ?? 0) || 0);
let sink = 0;

/** A set shaped like the shipped defaults: per-role allows with org/project/clearance conditions, and denies. */
const rules: PolicyRule[] = [
  { id: 'admin-all', effect: 'allow', roles: ['platform-admin'], actions: ['read', 'update', 'delete', 'administer'], subject: 'Model' },
  {
    id: 'org-admin-models',
    effect: 'allow',
    roles: ['org-admin'],
    actions: ['read', 'update', 'delete'],
    subject: 'Model',
    conditions: { orgId: '${principal.orgId}' },
    scopes: ['admin'],
  },
  {
    id: 'publisher-models',
    effect: 'allow',
    roles: ['model-publisher'],
    actions: ['read', 'create', 'update', 'publish'],
    subject: 'Model',
    conditions: { orgId: '${principal.orgId}', projectId: { $in: '${principal.projectIds}' } },
    scopes: ['models:write'],
  },
  {
    id: 'consumer-read',
    effect: 'allow',
    roles: ['model-consumer'],
    actions: ['read'],
    subject: 'Model',
    conditions: { orgId: '${principal.orgId}', projectId: { $in: '${principal.projectIds}' } },
    scopes: ['models:read'],
  },
  {
    id: 'consumer-infer',
    effect: 'allow',
    roles: ['model-consumer'],
    actions: ['infer'],
    subject: 'Model',
    conditions: {
      orgId: '${principal.orgId}',
      projectId: { $in: '${principal.projectIds}' },
      sensitivity: { $in: '${principal.clearanceLevels}' },
      region: { $in: '${principal.allowedRegions}' },
    },
    scopes: ['infer'],
  },
  {
    id: 'auditor-read',
    effect: 'allow',
    roles: ['auditor'],
    actions: ['read', 'audit'],
    subject: 'AuditEvent',
    conditions: { orgId: '${principal.orgId}' },
  },
  { id: 'no-archived-infer', effect: 'deny', roles: ['*'], actions: ['infer'], subject: 'Model', conditions: { stage: 'archived' } },
  { id: 'no-disabled', effect: 'deny', roles: ['*'], actions: ['infer', 'update'], subject: 'Model', conditions: { status: 'disabled' } },
  { id: 'hide-upstream', effect: 'deny', roles: ['model-consumer'], actions: ['read'], subject: 'Model', fields: ['upstreamUrl'] },
];
for (let i = 0; i < 12; i++) {
  rules.push({
    id: `filler-${i}`,
    effect: 'allow',
    roles: ['org-admin'],
    actions: ['read'],
    subject: 'Plan',
    conditions: { orgId: '${principal.orgId}' },
  });
}

const set = testPolicySet(rules, 'bench');
const principal: Principal = testPrincipal({ roleNames: ['model-consumer'], scopes: ['infer', 'models:read'], projectIds: ['p-1', 'p-2'] });
const model = { id: 'm-1', orgId: 'org-a', projectId: 'p-2', sensitivity: 'internal', region: 'eu', stage: 'production', status: 'active' };
const noAudit = { record: () => Promise.resolve('') } as unknown as AuditService;

interface Result {
  name: string;
  iterations: number;
  nsPerOp: number;
}

function measure(name: string, count: number, op: () => unknown): Result {
  for (let i = 0; i < Math.min(10_000, count); i++) op(); // warm-up: JIT, caches
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) if (op()) sink++;
  const elapsed = process.hrtime.bigint() - start;
  return { name, iterations: count, nsPerOp: Number(elapsed) / count };
}

async function main(): Promise<void> {
  const cache = new AbilityCache(new TestPolicySource(set));
  const policy = new CaslAccessPolicy(cache, noAudit);
  const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [AuthzTestModel] });
  await dataSource.initialize(); // metadata only: no table is created or queried
  const repository = dataSource.getRepository(AuthzTestModel);
  const sqlPrincipal = testPrincipal({ roleNames: ['model-consumer'], scopes: ['infer', 'models:read'] });
  const sqlSet = testPolicySet(
    [
      { id: 'own-org', effect: 'allow', roles: ['*'], actions: ['read'], subject: 'Model', conditions: { orgId: '${principal.orgId}' } },
      {
        id: 'public',
        effect: 'allow',
        roles: ['*'],
        actions: ['read'],
        subject: 'Model',
        conditions: { sensitivity: { $in: ['public'] } },
      },
      { id: 'no-archived', effect: 'deny', roles: ['*'], actions: ['read'], subject: 'Model', conditions: { stage: 'archived' } },
    ],
    'bench-sql',
  );
  const sqlPolicy = new CaslAccessPolicy(new AbilityCache(new TestPolicySource(sqlSet)), noAudit);

  const ability = cache.forPrincipal(principal).ability;
  const tagged = asSubject('Model', { ...model });
  if (!policy.can(principal, 'infer', 'Model', model)) throw new Error('bench policy must allow the model');

  const results = [
    measure('CASL ability.can(instance), ability in hand', iterations, () => ability.can('infer', tagged)),
    measure('cached can(instance) via AccessPolicy, same principal object', iterations, () =>
      policy.can(principal, 'infer', 'Model', model),
    ),
    measure('cached can(instance), new principal object each call (cache key built)', iterations, () =>
      policy.can({ ...principal }, 'infer', 'Model', model),
    ),
    measure('buildAbility (cache miss), no check', iterations, () => buildAbility(set, principal)),
    measure('buildAbility + first can(instance) (conditions compiled)', iterations, () =>
      buildAbility(set, principal).can('infer', tagged),
    ),
    measure('createQueryBuilder alone (baseline for the next two)', iterations, () => repository.createQueryBuilder('m')),
    measure('restrictQuery on a query builder (cached ability)', iterations, () =>
      sqlPolicy.restrictQuery(repository.createQueryBuilder('m'), 'm', sqlPrincipal, 'read', 'Model'),
    ),
    measure('restrictQuery + SQL text generated', iterations, () =>
      sqlPolicy.restrictQuery(repository.createQueryBuilder('m'), 'm', sqlPrincipal, 'read', 'Model').getQueryAndParameters(),
    ),
  ];
  await dataSource.destroy();

  const cached = results[1].nsPerOp;
  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`authorization decision cost — ${set.rules.length} rules, node ${process.version}, ${iterations} iterations each\n`);
  console.log(`${'operation'.padEnd(width)}  ${'ns/op'.padStart(10)}  ${'ops/s'.padStart(12)}  ${'× cached'.padStart(9)}`);
  for (const r of results) {
    const opsPerSecond = Math.round(1e9 / r.nsPerOp).toLocaleString('en-US');
    console.log(
      `${r.name.padEnd(width)}  ${r.nsPerOp.toFixed(1).padStart(10)}  ${opsPerSecond.padStart(12)}  ${(r.nsPerOp / cached).toFixed(1).padStart(9)}`,
    );
  }
  const ratio = results.find((r) => r.name.startsWith('buildAbility +'))!.nsPerOp / cached;
  console.log(
    `\nbuild + first check / cached check = ${ratio.toFixed(0)}×; cached check ${cached.toFixed(0)} ns (target < ${TARGET_NS} ns)  [sink ${sink}]`,
  );
  if (!(cached < TARGET_NS)) {
    console.error(`FAIL: a cached check costs ${cached.toFixed(0)} ns, not under ${TARGET_NS} ns`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
