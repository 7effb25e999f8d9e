import type { Database as SqliteHandle } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import { AuditEventEntity } from './audit-event.entity';
import { SqliteWriterThread } from './sqlite-writer-thread';

/** PostgreSQL allows 65535 parameters per statement; rows per statement are capped below that and at this. */
const MAX_ROWS_PER_STATEMENT = 2_000;
const MAX_PARAMETERS_PER_STATEMENT = 65_535;
/**
 * Rows whose values are prepared between two turns of the event loop. Preparing is cheap (the
 * driver's value conversions), but a large backlog should not hold the loop for long either.
 */
export const SQLITE_ROWS_PER_TURN = 64;

/** How rows become statement parameters; derived once from the entity metadata. */
interface Plan {
  metadata: EntityMetadata;
  /** The columns inserted, in metadata order. */
  columns: readonly ColumnMetadata[];
  /** `"audit_events" ("id", "occurred_at", …)`, escaped by the driver. */
  target: string;
}

/**
 * Stores audit events with raw parameterised SQL instead of TypeORM's insert query builder, which
 * cost ~60 µs per event and (on SQLite, which is synchronous) blocked the event loop for a whole
 * batch at once. Known ids are skipped on both databases, so replaying a spool duplicates nothing.
 *
 * The values bound are exactly those TypeORM binds: each comes from the driver's own
 * `preparePersistentValue` for its column metadata (SQLite's date string format, simple-json,
 * the bigint transformer), so rows are stored byte for byte as before and TypeORM reads them back
 * as before. Table and column names come from the entity metadata.
 *
 * - PostgreSQL: one multi-row `INSERT … ON CONFLICT DO NOTHING` per up to 2,000 rows (16 columns:
 *   32,000 parameters), through `dataSource.query`. `ON CONFLICT` names no target, as TypeORM's
 *   `orIgnore()` did: a row that collides on the (chain, seq) index is skipped like one that
 *   collides on its id, rather than failing its whole batch on every replay.
 * - SQLite: one prepared `INSERT OR IGNORE` per row, the whole batch in one transaction, run on a
 *   worker thread with its own connection (SqliteWriterThread): the commit's fsync blocks the thread,
 *   not the event loop. An in-memory database (tests) cannot be shared with a thread and is written
 *   on the main connection.
 */
export class AuditEventWriter {
  private plan?: Plan;
  private thread?: SqliteWriterThread;
  /** PostgreSQL statement texts by row count (batches are mostly the same few sizes). */
  private readonly postgresSql = new Map<number, string>();

  constructor(private readonly dataSource: DataSource) {}

  /** Stores the rows, skipping ids already stored. Rejects when the database is not there. */
  async insert(rows: readonly AuditEventEntity[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.dataSource.isInitialized) throw new Error('the database connection is not open');
    const { type } = this.dataSource.options;
    if (type === 'postgres') await this.insertPostgres(rows);
    else if (type === 'better-sqlite3') await this.insertSqlite(rows);
    else throw new Error(`audit events cannot be written to a ${type} database`);
  }

  private async insertPostgres(rows: readonly AuditEventEntity[]): Promise<void> {
    const plan = this.currentPlan();
    const perStatement = Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMETERS_PER_STATEMENT / plan.columns.length));
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      const parameters: unknown[] = [];
      for (const row of chunk) this.appendValues(plan, row, parameters);
      await this.dataSource.query(this.postgresInsert(plan, chunk.length), parameters);
    }
  }

  private async insertSqlite(rows: readonly AuditEventEntity[]): Promise<void> {
    const plan = this.currentPlan();
    const values: unknown[][] = [];
    for (let start = 0; start < rows.length; start += SQLITE_ROWS_PER_TURN) {
      if (start > 0) await yieldToEventLoop();
      for (const row of rows.slice(start, start + SQLITE_ROWS_PER_TURN)) values.push(this.appendValues(plan, row, []));
    }
    const sql = `INSERT OR IGNORE INTO ${plan.target} VALUES (${plan.columns.map(() => '?').join(', ')})`;
    if (!this.dataSource.isInitialized) throw new Error('the database connection is not open');
    const file = (this.dataSource.options as { database?: unknown }).database;
    if (typeof file !== 'string' || file === '' || file === ':memory:') {
      this.insertOnMainConnection(sql, values);
      return;
    }
    this.thread ??= new SqliteWriterThread(file);
    await this.thread.write(sql, values);
  }

  /** Stops the SQLite writer thread, once the batches it holds are written. */
  async close(): Promise<void> {
    await this.thread?.close();
    this.thread = undefined;
  }

  private insertOnMainConnection(sql: string, values: readonly unknown[][]): void {
    const handle = (this.dataSource.driver as unknown as { databaseConnection?: SqliteHandle }).databaseConnection;
    if (!handle?.open) throw new Error('the database connection is not open');
    const statement = handle.prepare(sql);
    handle.transaction(() => {
      for (const rowValues of values) statement.run(rowValues);
    })();
  }

  /** The row's values, converted by the driver exactly as TypeORM converts them, appended to `into`. */
  private appendValues(plan: Plan, row: AuditEventEntity, into: unknown[]): unknown[] {
    const { driver } = this.dataSource;
    for (const column of plan.columns) {
      const value: unknown = driver.preparePersistentValue(column.getEntityValue(row), column);
      // TypeORM writes NULL (SQLite) or DEFAULT (PostgreSQL; none of these columns has a default) for undefined.
      into.push(value === undefined ? null : value);
    }
    return into;
  }

  private postgresInsert(plan: Plan, rowCount: number): string {
    let sql = this.postgresSql.get(rowCount);
    if (sql !== undefined) return sql;
    const width = plan.columns.length;
    const tuples: string[] = [];
    for (let row = 0; row < rowCount; row += 1) {
      const placeholders: string[] = [];
      for (let column = 1; column <= width; column += 1) placeholders.push(`$${row * width + column}`);
      tuples.push(`(${placeholders.join(', ')})`);
    }
    sql = `INSERT INTO ${plan.target} VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`;
    if (this.postgresSql.size >= 16) this.postgresSql.clear();
    this.postgresSql.set(rowCount, sql);
    return sql;
  }

  /** Column list and table from the entity metadata; metadata is rebuilt when the DataSource is initialised again. */
  private currentPlan(): Plan {
    const metadata = this.dataSource.getMetadata(AuditEventEntity);
    if (this.plan?.metadata === metadata) return this.plan;
    // The columns TypeORM's insert would write: audit_events has no generated, virtual or read-only ones.
    const columns = metadata.columns.filter((column) => column.isInsert && !column.isVirtual && !column.isGenerated);
    const { driver } = this.dataSource;
    const table = metadata.tablePath
      .split('.')
      .map((part) => driver.escape(part))
      .join('.');
    const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
    this.plan = { metadata, columns, target: `${table} (${names})` };
    this.postgresSql.clear();
    return this.plan;
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
