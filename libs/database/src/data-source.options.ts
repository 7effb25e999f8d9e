import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConnectionOptions } from './database.options';
import { MIGRATIONS } from './migrations';

export const MIGRATIONS_TABLE = 'infergate_migrations';

/**
 * TypeORM options for the configured database: PostgreSQL when a URL is given, otherwise the
 * embedded SQLite file. `synchronize` is never on; the schema only changes through migrations.
 */
export function dataSourceOptions(database: DatabaseConnectionOptions): DataSourceOptions {
  const common = {
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    // Failures surface as exceptions and are logged by their handlers; TypeORM's own console logger stays off.
    logging: false,
  };
  if (database.url) {
    return {
      ...common,
      type: 'postgres',
      url: database.url,
      applicationName: 'infergate',
      connectTimeoutMS: database.connectTimeoutMs,
      poolSize: database.poolSize,
      // pg keeps retrying idle clients on its own; a dead server must not crash the process.
      extra: { idleTimeoutMillis: 30_000 },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.sqlitePath,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}
