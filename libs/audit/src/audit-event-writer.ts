import type { Database as SqliteHandle, Statement } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import { AuditEventEntity } from './audit-event.entity';

/** PostgreSQL allows 65535 parameters per statement; rows per statement are capped below that and at this. */
const MAX_ROWS_PER_STATEMENT = 2_000;
const MAX_PARAMETERS_PER_STATEMENT = 65_535;
/**
 * SQLite rows per transaction. better-sqlite3 is synchronous: a transaction blocks the event loop for
 * as long as it runs, so a batch is written in chunks this small, with the event loop let through
 * between them. A row costs SQLite 10–15 µs here (six indexes), so a chunk blocks for about 1 ms;
 * smaller chunks would add commits for little gain.
 */
export const SQLITE_ROWS_PER_TRANSACTION = 64;
/**
 * How long (per batch) the writer waits for a transaction someone else opened on the shared SQLite
 * connection before writing anyway, inside it, as TypeORM's query builder always did: events written
 * inside another module's transaction would vanish from the trail, and leave a gap in the chain, if
 * that transaction rolled back.
 */
const FOREIGN_TRANSACTION_WAIT_MS = 2_000;

/** How rows become statement parameters; derived once from the entity metadata. */
interface Plan {
  metadata: EntityMetadata;
  /** The columns inserted, in metadata order. */
  columns: readonly ColumnMetadata[];
  /** `"audit_events" ("id", "occurred_at", …)`, escaped by the driver. */
  target: string;
}

/** SQLite's prepared statement and the transaction around a chunk, both bound to one connection handle. */
interface SqliteWriter {
  handle: SqliteHandle;
  insertChunk: (values: readonly unknown[][]) => void;
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
 * - SQLite: one prepared `INSERT OR IGNORE`, run per row inside a transaction of at most
 *   SQLITE_ROWS_PER_TRANSACTION rows, on the raw better-sqlite3 handle, yielding to the event loop
 *   before each chunk so that no single block is longer than a chunk.
 */
export class AuditEventWriter {
  private plan?: Plan;
  private sqlite?: SqliteWriter;
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
    // One bound on the wait for a foreign transaction per batch, not per chunk.
    const waitUntil = Date.now() + FOREIGN_TRANSACTION_WAIT_MS;
    for (let start = 0; start < rows.length; start += SQLITE_ROWS_PER_TRANSACTION) {
      // Let the request path through before each chunk: also between the batches of one drain.
      await yieldToEventLoop();
      const writer = await this.sqliteWriter(plan, waitUntil);
      const values: unknown[][] = [];
      for (const row of rows.slice(start, start + SQLITE_ROWS_PER_TRANSACTION)) values.push(this.appendValues(plan, row, []));
      writer.insertChunk(values);
    }
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

  /**
   * The statement and transaction for the current connection handle. A DataSource destroyed and
   * initialised again (the database came back) has a new handle: everything is prepared anew. The
   * writer waits (bounded) while another module's transaction is open on the shared connection.
   */
  private async sqliteWriter(plan: Plan, waitUntil: number): Promise<SqliteWriter> {
    const handle = (this.dataSource.driver as unknown as { databaseConnection?: SqliteHandle }).databaseConnection;
    if (!this.dataSource.isInitialized || !handle?.open) throw new Error('the database connection is not open');
    while (handle.inTransaction && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 1));
    if (!this.dataSource.isInitialized || !handle.open) throw new Error('the database connection is not open');
    if (this.sqlite?.handle !== handle) {
      const placeholders = plan.columns.map(() => '?').join(', ');
      const statement: Statement<unknown[]> = handle.prepare(`INSERT OR IGNORE INTO ${plan.target} VALUES (${placeholders})`);
      // better-sqlite3 commits when the function returns and rolls back when it throws.
      const insertChunk = handle.transaction((values: readonly unknown[][]) => {
        for (const rowValues of values) statement.run(rowValues);
      });
      this.sqlite = { handle, insertChunk };
    }
    return this.sqlite;
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
