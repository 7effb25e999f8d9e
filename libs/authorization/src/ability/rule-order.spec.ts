import fc from 'fast-check';
import type { DataSource, Repository } from 'typeorm';
import type { PolicyRule } from '../policy/policy.types';
import { RecordingAudit, TestPolicySource, testPolicySet, testPrincipal } from './ability-testing';
import { AbilityCache } from './ability.cache';
import { AuthzTestModel, startTestDatabase, TEST_VALUES } from './ability-sql-testing';
import { CaslAccessPolicy } from './casl-access-policy';
import type { AuditService } from '@infergate/audit';

/**
 * The CASL pitfall from the authorization issue: CASL lets the last matching rule decide in can(),
 * while rulesToQuery ANDs every deny rule into the SQL filter, so allow → deny → allow sequences used
 * to give different answers in memory and in SQL. buildAbility puts every deny last; these specs hold
 * can() and restrictQuery() to the same rows, for every order.
 */
describe('rule order: can() and restrictQuery() agree', () => {
  let dataSource: DataSource;
  let repository: Repository<AuthzTestModel>;
  let rows: AuthzTestModel[];
  const principal = testPrincipal({ orgId: 'org-a', clearance: 'internal' });

  beforeAll(async () => {
    dataSource = await startTestDatabase();
    repository = dataSource.getRepository(AuthzTestModel);
    rows = await repository.find({ order: { id: 'ASC' } });
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  function policyFor(rules: PolicyRule[]): CaslAccessPolicy {
    const abilities = new AbilityCache(new TestPolicySource(testPolicySet(rules)));
    return new CaslAccessPolicy(abilities, new RecordingAudit() as unknown as AuditService);
  }

  async function sqlIds(policy: CaslAccessPolicy): Promise<number[]> {
    const query = policy.restrictQuery(repository.createQueryBuilder('m'), 'm', principal, 'read', 'Model');
    return (await query.orderBy('m.id').getMany()).map((row) => row.id);
  }

  function canIds(policy: CaslAccessPolicy): number[] {
    return rows.filter((row) => policy.can(principal, 'read', 'Model', { ...row })).map((row) => row.id);
  }

  const rule = (id: string, effect: 'allow' | 'deny', conditions?: Record<string, unknown>): PolicyRule => ({
    id,
    effect,
    roles: ['*'],
    actions: ['read'],
    subject: 'Model',
    ...(conditions ? { conditions } : {}),
  });

  // Overlapping on purpose: rows in org-a that are archived match all three.
  const ownOrg = rule('allow-own-org', 'allow', { orgId: '${principal.orgId}' });
  const noArchived = rule('deny-archived', 'deny', { stage: 'archived' });
  const archivedPublic = rule('allow-archived-public', 'allow', { stage: { $in: ['archived', 'production'] }, sensitivity: 'public' });
  const expected = (row: AuthzTestModel) =>
    (row.orgId === 'org-a' || ((row.stage === 'archived' || row.stage === 'production') && row.sensitivity === 'public')) &&
    row.stage !== 'archived';

  it.each(permutations([ownOrg, noArchived, archivedPublic]).map((rules) => [rules.map((r) => r.id).join(' → '), rules] as const))(
    '%s gives the same rows in memory and in SQL, deny winning',
    async (_order, rules) => {
      const policy = policyFor(rules);
      const want = rows.filter(expected).map((row) => row.id);

      expect(want.length).toBeGreaterThan(0);
      expect(canIds(policy)).toEqual(want);
      expect(await sqlIds(policy)).toEqual(want);
    },
  );

  it('an unconditional deny between two allows leaves nothing, in memory and in SQL', async () => {
    const policy = policyFor([ownOrg, rule('deny-all', 'deny'), rule('allow-all', 'allow')]);

    expect(canIds(policy)).toEqual([]);
    expect(await sqlIds(policy)).toEqual([]);
    expect(policy.restrictQuery(repository.createQueryBuilder('m'), 'm', principal, 'read', 'Model').getQuery()).toContain('1 = 0');
  });

  it('an unconditional allow and no deny adds no clause; with a deny only the deny', async () => {
    const open = policyFor([rule('allow-all', 'allow')]);
    const closed = policyFor([noArchived, rule('allow-all', 'allow')]);

    expect(open.restrictQuery(repository.createQueryBuilder('m'), 'm', principal, 'read', 'Model').getQuery()).not.toContain('WHERE');
    expect(await sqlIds(open)).toHaveLength(rows.length);
    expect(await sqlIds(closed)).toEqual(canIds(closed));
    expect(await sqlIds(closed)).toEqual(rows.filter((row) => row.stage !== 'archived').map((row) => row.id));
  });

  it('no rule for the action gives 1 = 0', async () => {
    const policy = policyFor([{ ...ownOrg, actions: ['update'] }]);

    expect(await sqlIds(policy)).toEqual([]);
  });

  it('random rule sets in random order: the same rows in memory and in SQL', async () => {
    const condition = fc.dictionary(fc.constantFrom('orgId', 'stage', 'size', 'sensitivity', 'published'), fc.constant(null), {
      minKeys: 1,
      maxKeys: 3,
    });
    const fieldCondition = (field: keyof typeof TEST_VALUES) => {
      const value = fc.constantFrom(...(TEST_VALUES[field] as readonly unknown[]));
      const list = fc.array(value, { maxLength: 3 });
      const operators = [fc.record({ $eq: value }), fc.record({ $ne: value }), fc.record({ $in: list }), fc.record({ $nin: list }), value];
      const bound = fc.constantFrom(0, 1, 5, 7, 10);
      const ordered =
        field === 'size'
          ? [fc.record({ $lt: bound }), fc.record({ $lte: bound }), fc.record({ $gt: bound }), fc.record({ $gte: bound })]
          : [];
      return fc.oneof(...operators, ...ordered);
    };
    const conditions = condition.chain((shape) =>
      fc.record(Object.fromEntries(Object.keys(shape).map((field) => [field, fieldCondition(field as keyof typeof TEST_VALUES)]))),
    );
    const ruleArbitrary = fc.record({
      effect: fc.constantFrom<'allow' | 'deny'>('allow', 'deny'),
      conditions: fc.option(conditions, { nil: undefined, freq: 6 }),
    });

    await fc.assert(
      fc.asyncProperty(fc.array(ruleArbitrary, { minLength: 1, maxLength: 5 }), async (generated) => {
        const policy = policyFor(generated.map((r, index) => rule(`r${index}`, r.effect, r.conditions)));
        expect(await sqlIds(policy)).toEqual(canIds(policy));
      }),
      { numRuns: 300 },
    );
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}
