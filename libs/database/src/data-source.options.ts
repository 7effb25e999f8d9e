import type { DataSourceOptions } from 'typeorm';
import type { InfergateConfig } from '@infergate/common';
import { MIGRATIONS } from './migrations';

export const MIGRATIONS_TABLE = 'infergate_migrations';

/**
 * TypeORM options for the configured database: PostgreSQL when a URL is given, otherwise the
 * embedded SQLite file. `synchronize` is never on; the schema only changes through migrations.
 */
export function dataSourceOptions(config: InfergateConfig): DataSourceOptions {
  const common = {
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    // Failures surface as exceptions and are logged by their handlers; TypeORM's own console logger stays off.
    logging: false,
  };
  if (config.database.url) {
    return {
      ...common,
      type: 'postgres',
      url: config.database.url,
      applicationName: 'infergate',
      connectTimeoutMS: config.database.connectTimeoutMs,
      poolSize: config.database.poolSize,
      // pg keeps retrying idle clients on its own; a dead server must not crash the process.
      extra: { idleTimeoutMillis: 30_000 },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.database.sqlitePath,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}
