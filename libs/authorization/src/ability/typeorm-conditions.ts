import { Brackets, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { UntranslatableConditionError } from './authorization.errors';

/** A WHERE fragment with its named parameters; values never appear in `sql`. */
export interface SqlCondition {
  sql: string;
  parameters: Record<string, unknown>;
}

/** Maps a condition's field name to the `alias.property` expression TypeORM rewrites, or throws. */
export type FieldResolver = (field: string) => string;

const TRUE = '1 = 1';
const FALSE = '1 = 0';
const ALIAS = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COMPARISONS: Record<string, { op: string; complement: string }> = {
  $lt: { op: '<', complement: '>=' },
  $lte: { op: '<=', complement: '>' },
  $gt: { op: '>', complement: '<=' },
  $gte: { op: '>=', complement: '<' },
};

let parameterPrefixSequence = 0;

/**
 * Translates a MongoDB-style query (the output of CASL's rulesToQuery) into SQL with named
 * parameters. Negations ($ne, $nin, $nor, inverted rules) are pushed down to the fields, where each
 * is written to be true for a NULL column exactly when the in-memory check is, so that `restrictQuery`
 * returns precisely the rows `can()` accepts (three-valued SQL logic would silently drop them).
 */
export function mongoQueryToSql(query: object, resolveField: FieldResolver, parameterPrefix: string): SqlCondition {
  const translator = new MongoToSql(resolveField, parameterPrefix);
  const sql = translator.document(query, false);
  return { sql, parameters: translator.parameters };
}

/** Resolves field names against the entity metadata of `alias` in the query; unknown names throw. */
export function entityFieldResolver<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, alias: string): FieldResolver {
  if (!ALIAS.test(alias)) throw new UntranslatableConditionError(`"${alias}" is not a valid query alias`);
  const target = query.expressionMap.aliases.find((candidate) => candidate.name === alias);
  if (!target?.hasMetadata) throw new UntranslatableConditionError(`"${alias}" is not an entity alias of this query`);
  const metadata = target.metadata;
  return (field) => {
    const column = metadata.findColumnWithPropertyPath(field);
    if (!column || column.relationMetadata) {
      throw new UntranslatableConditionError(`The policy names "${field}", which is not a column of ${metadata.name}`);
    }
    return `${alias}.${column.propertyPath}`;
  };
}

/** Adds the translated query to `query` as one bracketed AND clause. */
export function andWhereMongoQuery<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  mongoQuery: object,
): SelectQueryBuilder<T> {
  const prefix = `authz${(parameterPrefixSequence = (parameterPrefixSequence + 1) % Number.MAX_SAFE_INTEGER)}_`;
  const { sql, parameters } = mongoQueryToSql(mongoQuery, entityFieldResolver(query, alias), prefix);
  return query.andWhere(new Brackets((where) => where.where(sql, parameters)));
}

class MongoToSql {
  readonly parameters: Record<string, unknown> = {};
  private count = 0;

  constructor(
    private readonly resolveField: FieldResolver,
    private readonly prefix: string,
  ) {}

  /** A query document: its entries are ANDed (ORed when negated, by De Morgan). */
  document(query: unknown, negate: boolean): string {
    if (!isPlainObject(query)) throw new UntranslatableConditionError('A condition must be an object');
    const parts = Object.entries(query).map(([key, value]) =>
      key.startsWith('$') ? this.compound(key, value, negate) : this.field(key, value, negate),
    );
    return join(parts, negate ? 'OR' : 'AND');
  }

  private compound(operator: string, operands: unknown, negate: boolean): string {
    if (!Array.isArray(operands)) throw new UntranslatableConditionError(`${operator} needs a list of conditions`);
    switch (operator) {
      case '$and':
        return join(
          operands.map((operand) => this.document(operand, negate)),
          negate ? 'OR' : 'AND',
        );
      case '$or':
        return join(
          operands.map((operand) => this.document(operand, negate)),
          negate ? 'AND' : 'OR',
        );
      case '$nor':
        return join(
          operands.map((operand) => this.document(operand, !negate)),
          negate ? 'OR' : 'AND',
        );
      default:
        throw new UntranslatableConditionError(`The operator ${operator} has no SQL translation`);
    }
  }

  private field(name: string, value: unknown, negate: boolean): string {
    const column = this.resolveField(name);
    if (!isOperatorObject(value)) return this.equals(column, value, negate);
    const parts = Object.entries(value).map(([operator, operand]) => this.operator(column, operator, operand, negate));
    return join(parts, negate ? 'OR' : 'AND');
  }

  private operator(column: string, operator: string, operand: unknown, negate: boolean): string {
    switch (operator) {
      case '$eq':
        return this.equals(column, operand, negate);
      case '$ne':
        return this.equals(column, operand, !negate);
      case '$in':
        return this.within(column, operand, negate);
      case '$nin':
        return this.within(column, operand, !negate);
      case '$lt':
      case '$lte':
      case '$gt':
      case '$gte':
        return this.compare(column, operator, operand, negate);
      default:
        throw new UntranslatableConditionError(`The operator ${operator} has no SQL translation`);
    }
  }

  private equals(column: string, value: unknown, negate: boolean): string {
    if (value === null) return negate ? `${column} IS NOT NULL` : `${column} IS NULL`;
    const name = this.parameter(value);
    return negate ? `(${column} IS NULL OR ${column} <> :${name})` : `${column} = :${name}`;
  }

  private within(column: string, values: unknown, negate: boolean): string {
    if (!Array.isArray(values)) throw new UntranslatableConditionError('$in and $nin need a list');
    const present = values.filter((value) => value !== null);
    const withNull = present.length !== values.length;
    // Drivers convert a boolean parameter (SQLite stores 1/0) but not booleans inside an IN list.
    const booleans = present.filter((value) => typeof value === 'boolean').map((value) => this.parameter(value));
    const others = present.filter((value) => typeof value !== 'boolean');
    const list = others.length > 0 ? `(:...${this.parameter(others, true)})` : undefined;
    if (!negate) {
      const parts = [
        ...(list ? [`${column} IN ${list}`] : []),
        ...booleans.map((name) => `${column} = :${name}`),
        ...(withNull ? [`${column} IS NULL`] : []),
      ];
      return join(parts, 'OR');
    }
    const outside = join([...(list ? [`${column} NOT IN ${list}`] : []), ...booleans.map((name) => `${column} <> :${name}`)], 'AND');
    return withNull ? join([`${column} IS NOT NULL`, outside], 'AND') : join([`${column} IS NULL`, outside], 'OR');
  }

  /** A NULL column compares to nothing (see compareLikeSql in the ability factory); CASL refuses a null operand. */
  private compare(column: string, operator: string, value: unknown, negate: boolean): string {
    const { op, complement } = COMPARISONS[operator];
    if (value === null || typeof value === 'boolean') throw new UntranslatableConditionError(`${operator} needs a string, number or date`);
    const name = this.parameter(value);
    return negate ? `(${column} IS NULL OR ${column} ${complement} :${name})` : `${column} ${op} :${name}`;
  }

  /** A scalar, or (for IN lists only) an array of scalars, bound as a named parameter. */
  private parameter(value: unknown, list = false): string {
    const values = list && Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (!isScalar(item)) throw new UntranslatableConditionError('Condition values must be strings, numbers, booleans or dates');
    }
    const name = `${this.prefix}${this.count++}`;
    this.parameters[name] = value;
    return name;
  }
}

function join(parts: string[], operator: 'AND' | 'OR'): string {
  if (parts.length === 0) return operator === 'AND' ? TRUE : FALSE;
  if (parts.length === 1) return parts[0];
  return parts.map((part) => `(${part})`).join(` ${operator} `);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length === 0) throw new UntranslatableConditionError('An empty object is not a condition');
  if (keys.every((key) => key.startsWith('$'))) return true;
  throw new UntranslatableConditionError('Conditions on nested objects have no SQL translation');
}

function isScalar(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    (value instanceof Date && !Number.isNaN(value.getTime()))
  );
}
