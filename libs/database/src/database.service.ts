import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import { ServiceUnavailableException } from '@infergate/common';
import { DATABASE_OPTIONS, type DatabaseModuleOptions } from './database.options';
import { pendingMigrationNames, revertLastMigration, runPendingMigrations } from './migration-lock';

export type DatabaseState = 'connecting' | 'migrating' | 'ready' | 'failed';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/**
 * Owns the DataSource's life: connects in the background (so the process is live, and says it is not
 * ready, while the database is away), applies pending migrations under the replica-wide lock, and
 * hands out repositories only once the schema is current.
 */
@Injectable()
export class DatabaseService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  private currentState: DatabaseState = 'connecting';
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;
  private startup?: Promise<void>;
  private readonly readyHooks: (() => Promise<void>)[] = [];
  /** Migrations are applied; ready hooks may read tables although the database is not ready yet. */
  private schemaCurrent = false;

  constructor(
    @InjectDataSource() readonly dataSource: DataSource,
    @Inject(DATABASE_OPTIONS) private readonly options: DatabaseModuleOptions,
  ) {}

  get state(): DatabaseState {
    return this.currentState;
  }

  get driver(): 'postgres' | 'sqlite' {
    return this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  onApplicationBootstrap(): void {
    if (this.options.connectOnStart) this.startup = this.connectAndMigrate(FIRST_RETRY_MS);
  }

  /** Connects once, throwing on failure. */
  async connect(): Promise<void> {
    if (this.dataSource.isInitialized) return;
    if (this.driver === 'sqlite') mkdirSync(dirname(this.options.database.sqlitePath), { recursive: true });
    await this.dataSource.initialize();
  }

  /** Applies pending migrations under the replica-wide lock; returns the names applied. */
  async migrate(): Promise<string[]> {
    await this.connect();
    const applied = await runPendingMigrations(this.dataSource);
    this.schemaCurrent = true;
    try {
      for (const hook of this.readyHooks) await hook();
    } catch (error) {
      this.currentState = 'failed';
      throw error;
    }
    this.currentState = 'ready';
    return applied.map((m) => m.name);
  }

  /** Reverts the last applied migration; returns its name, or undefined when none was applied. */
  async revertLast(): Promise<string | undefined> {
    await this.connect();
    const before = await this.pendingMigrations();
    await revertLastMigration(this.dataSource);
    const after = await this.pendingMigrations();
    if (after.length > 0) {
      this.schemaCurrent = false;
      this.currentState = 'failed';
    }
    return after.find((name) => !before.includes(name));
  }

  /** Names of migrations not applied yet. */
  async pendingMigrations(): Promise<string[]> {
    await this.connect();
    return pendingMigrationNames(this.dataSource);
  }

  /**
   * Work that must happen after migrations and before the database counts as ready (loading caches
   * from tables, say). Hooks run on every transition to ready, in registration order.
   */
  onReady(hook: () => Promise<void>): void {
    this.readyHooks.push(hook);
  }

  /** Resolves once the first connection attempt (successful or not) has finished; for tests and the CLI. */
  async settled(): Promise<void> {
    await this.startup;
  }

  /** A repository for an entity; refuses with 503 until the database is connected and migrated. */
  repository<T extends ObjectLiteral>(entity: EntityTarget<T>): Repository<T> {
    this.assertSchemaCurrent();
    return this.dataSource.getRepository(entity);
  }

  /** Refuses with 503 until the database is connected and migrated (for raw SQL that needs no repository). */
  assertSchemaCurrent(): void {
    if (!this.schemaCurrent) throw new ServiceUnavailableException();
  }

  /** Round trip to the database within the configured timeout; false on any failure. */
  async ping(): Promise<boolean> {
    if (this.currentState !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.database.connectTimeoutMs);
    });
    const query = this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.startup;
  }

  private async connectAndMigrate(retryMs: number): Promise<void> {
    if (this.stopped) return;
    try {
      this.currentState = 'connecting';
      await this.connect();
      this.currentState = 'migrating';
      const applied = await this.migrate();
      this.logger.log({ event: 'database.ready', driver: this.driver, migrationsApplied: applied }, 'database ready');
    } catch (error) {
      this.currentState = this.dataSource.isInitialized ? 'failed' : 'connecting';
      // The driver's message can name hosts; it goes to the log only, never to a client.
      this.logger.warn({ event: 'database.unavailable', driver: this.driver, err: error, retryInMs: retryMs }, 'database not ready');
      if (this.stopped) return;
      this.retryTimer = setTimeout(() => {
        this.startup = this.connectAndMigrate(Math.min(retryMs * 2, MAX_RETRY_MS));
      }, retryMs);
      this.retryTimer.unref();
    }
  }
}
