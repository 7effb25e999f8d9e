import type { DataSource, Repository } from 'typeorm';
import { allTestRows, AuthzTestModel, startTestDatabase } from './ability-sql-testing';
import { UntranslatableConditionError } from './authorization.errors';
import { andWhereMongoQuery, mongoQueryToSql } from './typeorm-conditions';

type Row = AuthzTestModel;

describe('mongo query → TypeORM WHERE', () => {
  let dataSource: DataSource;
  let repository: Repository<AuthzTestModel>;
  const rows = allTestRows();

  beforeAll(async () => {
    dataSource = await startTestDatabase();
    repository = dataSource.getRepository(AuthzTestModel);
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  const query = (mongo: object) => andWhereMongoQuery(repository.createQueryBuilder('m'), 'm', mongo);
  const idsWhere = async (mongo: object) => (await query(mongo).orderBy('m.id').getMany()).map((row) => row.id);
  const idsOf = (predicate: (row: Row) => boolean) => rows.filter(predicate).map((row) => row.id);

  it.each<[string, object, (row: Row) => boolean]>([
    ['equality', { stage: 'archived' }, (r) => r.stage === 'archived'],
    ['equality with null', { stage: null }, (r) => r.stage === null],
    ['$eq', { size: { $eq: 5 } }, (r) => r.size === 5],
    ['$ne (NULL rows included, as in memory)', { stage: { $ne: 'archived' } }, (r) => r.stage !== 'archived'],
    ['$ne null', { stage: { $ne: null } }, (r) => r.stage !== null],
    ['$in', { sensitivity: { $in: ['public', 'internal'] } }, (r) => r.sensitivity === 'public' || r.sensitivity === 'internal'],
    ['$in with null', { stage: { $in: ['archived', null] } }, (r) => r.stage === 'archived' || r.stage === null],
    ['empty $in matches nothing', { stage: { $in: [] } }, () => false],
    ['$nin', { sensitivity: { $nin: ['restricted'] } }, (r) => r.sensitivity !== 'restricted'],
    ['$nin with null', { sensitivity: { $nin: ['restricted', null] } }, (r) => r.sensitivity !== 'restricted' && r.sensitivity !== null],
    ['empty $nin matches everything', { stage: { $nin: [] } }, () => true],
    ['$lt', { size: { $lt: 5 } }, (r) => r.size !== null && r.size < 5],
    ['$lte', { size: { $lte: 5 } }, (r) => r.size !== null && r.size <= 5],
    ['$gt', { size: { $gt: 1 } }, (r) => r.size !== null && r.size > 1],
    ['$gte', { size: { $gte: 5 } }, (r) => r.size !== null && r.size >= 5],
    ['two operators on one field', { size: { $gte: 1, $lt: 10 } }, (r) => r.size !== null && r.size >= 1 && r.size < 10],
    ['boolean equality', { published: true }, (r) => r.published],
    ['$in with booleans', { published: { $in: [false] } }, (r) => !r.published],
    ['$nin with booleans', { published: { $nin: [true, null] } }, (r) => !r.published],
    ['several fields', { orgId: 'org-a', published: false }, (r) => r.orgId === 'org-a' && !r.published],
    ['$or', { $or: [{ stage: 'archived' }, { size: { $gt: 5 } }] }, (r) => r.stage === 'archived' || (r.size !== null && r.size > 5)],
    ['$and', { $and: [{ orgId: 'org-b' }, { size: { $lte: 1 } }] }, (r) => r.orgId === 'org-b' && r.size !== null && r.size <= 1],
    [
      '$nor (negation keeps NULL rows)',
      { $nor: [{ stage: 'archived' }, { size: { $gt: 1 } }] },
      (r) => !(r.stage === 'archived' || (r.size !== null && r.size > 1)),
    ],
    [
      'nested negations',
      { $nor: [{ $or: [{ orgId: { $nin: ['org-a'] } }, { $nor: [{ sensitivity: { $in: ['public', null] } }] }] }] },
      (r) => !(r.orgId !== 'org-a' || !(r.sensitivity === 'public' || r.sensitivity === null)),
    ],
    ['empty $and', { $and: [] }, () => true],
    ['empty $or', { $or: [] }, () => false],
  ])('%s', async (_name, mongo, predicate) => {
    expect(await idsWhere(mongo)).toEqual(idsOf(predicate));
  });

  it('names the entity property, which TypeORM maps to its column', () => {
    const [sql] = query({ orgId: 'org-a' }).getQueryAndParameters();

    expect(sql).toMatch(/"m"\."org_id" = \?/);
  });

  it('binds every value as a named parameter, never in the SQL text', async () => {
    const hostile = "x' OR '1'='1";
    const built = query({ stage: hostile, size: { $in: [1, 5] } });
    const [sql, parameters] = built.getQueryAndParameters();

    expect(sql).not.toContain(hostile);
    expect(sql).not.toContain("'1'");
    expect(parameters).toEqual(expect.arrayContaining([hostile, 1, 5]));
    expect(await built.getMany()).toEqual([]);
  });

  it('uses fresh parameter names on every call, so two restrictions on one query do not collide', async () => {
    const built = andWhereMongoQuery(query({ stage: 'archived' }), 'm', { stage: 'production' });

    expect(Object.keys(built.getParameters())).toHaveLength(2);
    expect(await built.getMany()).toEqual([]);
  });

  it('writes named parameters with the given prefix', () => {
    const sql = mongoQueryToSql({ orgId: 'org-a', size: { $in: [1, 2] } }, (field) => `m.${field}`, 'p_');

    expect(sql).toEqual({ sql: '(m.orgId = :p_0) AND (m.size IN (:...p_1))', parameters: { p_0: 'org-a', p_1: [1, 2] } });
  });

  it.each([
    ['a property the entity does not have', { secret: 'x' }],
    ['a field name carrying SQL', { 'orgId = orgId OR 1': 1 }],
    ['a dotted path', { 'org.id': 'x' }],
  ])('refuses %s', (_name, mongo) => {
    expect(() => query(mongo)).toThrow(UntranslatableConditionError);
  });

  it.each([
    ['$regex', { stage: { $regex: '^a' } }],
    ['$exists', { stage: { $exists: true } }],
    ['$elemMatch', { stage: { $elemMatch: { a: 1 } } }],
    ['$where', { $where: 'true' }],
    ['a nested object', { stage: { name: 'x' } }],
    ['an operator object mixed with fields', { stage: { $eq: 'x', name: 'y' } }],
    ['an array as equality value', { stage: ['a'] }],
    ['an object as value', { stage: { $eq: { $gt: '' } } }],
    ['$in without a list', { stage: { $in: 'archived' } }],
    ['a comparison with null', { size: { $lt: null } }],
    ['$or without a list', { $or: { stage: 'x' } }],
  ])('refuses %s', (_name, mongo) => {
    expect(() => query(mongo)).toThrow(UntranslatableConditionError);
  });

  it('refuses an alias the query does not have, or one that is not a plain name', () => {
    expect(() => andWhereMongoQuery(repository.createQueryBuilder('m'), 'x', { stage: 'a' })).toThrow(UntranslatableConditionError);
    expect(() => andWhereMongoQuery(repository.createQueryBuilder('m'), 'm; DROP', { stage: 'a' })).toThrow(UntranslatableConditionError);
  });
});
