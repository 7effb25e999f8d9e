import type { DataSource, Migration } from 'typeorm';

/** Arbitrary but fixed: every infergate replica contends for the same PostgreSQL advisory lock. */
export const MIGRATION_LOCK_KEY = 7_346_193_846;

/**
 * Runs `work` while holding a replica-wide lock named by `key`. On PostgreSQL that is a session
 * advisory lock, so of several replicas doing the same thing at once exactly one works and the others
 * wait, then find it done. SQLite is a single-process database; its own file lock suffices.
 */
export async function withAdvisoryLock<T>(dataSource: DataSource, key: number, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'postgres') return work();
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [key]);
    try {
      return await work();
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await lockHolder.release();
  }
}

/** Runs `work` while holding the migration lock: of several replicas starting at once, one migrates. */
export function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  return withAdvisoryLock(dataSource, MIGRATION_LOCK_KEY, work);
}

/** Applies every pending migration, each in its own transaction, under the lock. */
export function runPendingMigrations(dataSource: DataSource): Promise<Migration[]> {
  return withMigrationLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
}

/** Reverts the most recently applied migration under the lock. */
export function revertLastMigration(dataSource: DataSource): Promise<void> {
  return withMigrationLock(dataSource, () => dataSource.undoLastMigration({ transaction: 'each' }));
}

/** Names of migrations not yet applied, in the order they would run. */
export async function pendingMigrationNames(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const queryRunner = dataSource.createQueryRunner();
  try {
    // A missing table means nothing was applied; any other failure (permissions, connection) is an error.
    if (!(await queryRunner.hasTable(table))) return dataSource.migrations.map((m) => m.name ?? m.constructor.name);
    const rows = (await queryRunner.query(`SELECT name FROM ${table}`)) as { name: string }[];
    const applied = new Set(rows.map((row) => row.name));
    return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !applied.has(name));
  } finally {
    await queryRunner.release();
  }
}
