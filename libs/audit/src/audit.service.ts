import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { DATABASE_OPTIONS, DatabaseService, type DatabaseConnectionOptions, type DatabaseModuleOptions } from '@infergate/database';
import { GatewayMetrics } from '@infergate/observability';
import { AuditEventInput } from './audit-event';
import { AUDIT_OPTIONS, type AuditOptions } from './audit.options';
import { AuditEventEntity } from './audit-event.entity';
import { AuditEventWriter } from './audit-event-writer';
import { AuditChain } from './chain/audit-chain';
import { AuditSpool } from './spool/audit-spool';

/** How often the spool is retried while the database is away. */
export const AUDIT_REPLAY_INTERVAL_MS = 2_000;

/**
 * The one door through which every module records what happened. Recording is cheap and never
 * throws: the event is hashed into this process's chain and queued in memory, and a writer off the
 * request path inserts the queue in batches (AuditEventWriter: raw SQL; on SQLite, short transactions
 * with the event loop let through between them). When the database refuses a batch, the batch and
 * every later event go to the durable spool (append + fsync) until a replayer has put the spool back
 * into the database, so events stay in order and are never lost once spooled. Inserts ignore ids
 * already stored, so a replay after a crash duplicates nothing.
 */
@Injectable()
export class AuditService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);
  private readonly chain = new AuditChain();
  private readonly spool: AuditSpool;
  private readonly writer: AuditEventWriter;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  /** Above this many queued events, the queue goes to the spool instead of waiting for the database. */
  private readonly maxQueued: number;
  private queue: AuditEventEntity[] = [];
  /** Every write, spool append and replay runs here, one after another, in order. */
  private lane: Promise<void> = Promise.resolve();
  private flushTimer?: NodeJS.Timeout;
  /** The pending flushTimer is the immediate one (a full batch): later events need not re-arm it. */
  private flushTimerImmediate = false;
  private replayTimer?: NodeJS.Timeout;
  private drainScheduled = false;
  private replayScheduled = false;
  private databaseDown = false;

  constructor(
    private readonly database: DatabaseService,
    @Inject(AUDIT_OPTIONS) options: AuditOptions,
    @Inject(DATABASE_OPTIONS) databaseOptions: DatabaseModuleOptions,
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {
    this.batchSize = options.batchSize;
    this.flushIntervalMs = options.flushIntervalMs;
    this.maxQueued = Math.max(10_000, this.batchSize * 10);
    this.spool = new AuditSpool(AuditSpool.rootFor(options.spoolDir, databaseIdentity(databaseOptions.database)), this.chain.id);
    this.writer = new AuditEventWriter(database.dataSource);
  }

  /** This process's chain id. */
  get chainId(): string {
    return this.chain.id;
  }

  /** Events waiting in the spool for the database. */
  get spoolDepth(): number {
    return this.spool.depth;
  }

  onModuleInit(): void {
    // Spools left by a process that stopped are replayed first; until then new events queue behind them.
    this.spool.discover();
    this.updateDepth();
    this.replayTimer = setInterval(() => void this.retrySpool(), AUDIT_REPLAY_INTERVAL_MS);
    this.replayTimer.unref();
    this.database.onReady(() => {
      // Ready hooks run just before the state turns ready: retry right after.
      setTimeout(() => void this.retrySpool(), 0).unref();
      return Promise.resolve();
    });
  }

  /** Hashes the event into the chain and queues it; returns its id at once. Never throws. */
  enqueue(event: AuditEventInput): string {
    const id = randomUUID();
    try {
      const row = this.chain.append(event, id);
      this.queue.push(row);
      this.metrics?.auditEvents.inc({ outcome: row.outcome });
      this.scheduleDrain(this.queue.length >= this.batchSize ? 0 : this.flushIntervalMs);
    } catch (error) {
      this.logger.error({ event: 'audit.enqueue_failed', auditEventId: id, action: event.action, err: error }, 'audit event not queued');
    }
    return id;
  }

  /** The same as enqueue, for callers written against the earlier asynchronous contract. */
  record(event: AuditEventInput): Promise<string> {
    return Promise.resolve(this.enqueue(event));
  }

  /**
   * Writes everything queued so far (to the database, or the spool when it is away) and, when the
   * database is ready, replays the spool: once this resolves, events recorded before the call are
   * stored if the database is up. For tests, shutdown and the CLI.
   */
  async flush(): Promise<void> {
    await this.drainNow();
    if (this.spool.pending && this.databaseReady()) await this.inLane(() => this.replay());
    if (this.queue.length > 0) await this.drainNow();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.replayTimer);
    await this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    // Events recorded by other modules' shutdown hooks: to the database if it is still open, else the spool.
    await this.drainNow();
    await this.writer.close().catch(() => undefined);
    await this.spool.close().catch(() => undefined);
  }

  private databaseReady(): boolean {
    return this.database.state === 'ready' && this.database.dataSource.isInitialized;
  }

  private scheduleDrain(delayMs: number): void {
    if (this.drainScheduled) return;
    if (this.flushTimer && (delayMs > 0 || this.flushTimerImmediate)) return;
    clearTimeout(this.flushTimer);
    this.flushTimerImmediate = delayMs === 0;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.drainNow();
    }, delayMs);
    this.flushTimer.unref();
  }

  private drainNow(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.drainScheduled) return this.lane;
    this.drainScheduled = true;
    return this.inLane(async () => {
      this.drainScheduled = false;
      await this.drain();
    });
  }

  private inLane(task: () => Promise<void>): Promise<void> {
    const next = this.lane.then(task).catch((error: unknown) => {
      this.logger.error({ event: 'audit.writer_failed', err: error }, 'audit writer step failed');
    });
    this.lane = next;
    return next;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      if (this.spool.pending || this.queue.length > this.maxQueued) {
        // Everything queued goes behind what is already spooled, in one durable append.
        const rows = this.queue;
        this.queue = [];
        if (!(await this.toSpool(rows))) return;
        continue;
      }
      const batch = this.queue.splice(0, this.batchSize);
      try {
        await this.insert(batch);
        if (this.databaseDown) this.logger.log({ event: 'audit.database_back' }, 'audit events reach the database again');
        this.databaseDown = false;
      } catch (error) {
        this.metrics?.auditWriteFailures.inc();
        if (!this.databaseDown) {
          this.logger.warn({ event: 'audit.write_failed', events: batch.length, err: error }, 'audit batch not stored: spooling');
        }
        this.databaseDown = true;
        if (!(await this.toSpool(batch))) return;
      }
    }
  }

  /** Appends to the spool; on a disk failure the events stay queued (bounded) and false is returned. */
  private async toSpool(rows: AuditEventEntity[]): Promise<boolean> {
    try {
      await this.spool.append(rows);
      this.updateDepth();
      return true;
    } catch (error) {
      this.queue = [...rows, ...this.queue];
      const excess = this.queue.length - this.maxQueued * 4;
      if (excess > 0) this.queue.splice(0, excess);
      this.logger.error(
        { event: 'audit.spool_failed', events: rows.length, dropped: Math.max(0, excess), err: error },
        'audit spool not writable: events held in memory',
      );
      return false;
    }
  }

  private retrySpool(): Promise<void> {
    this.spool.discover();
    this.updateDepth();
    void this.spool.heartbeat();
    if (!this.spool.pending || this.replayScheduled || !this.databaseReady()) return Promise.resolve();
    this.replayScheduled = true;
    return this.inLane(async () => {
      this.replayScheduled = false;
      await this.replay();
      // Events that queued behind the spool while it was replayed.
      await this.drain();
    });
  }

  private async replay(): Promise<void> {
    try {
      await this.spool.replay((rows) => this.insert(rows), this.batchSize);
      if (this.databaseDown) this.logger.log({ event: 'audit.spool_replayed' }, 'audit spool replayed into the database');
      this.databaseDown = false;
    } catch (error) {
      if (!this.databaseDown) this.logger.warn({ event: 'audit.replay_failed', err: error }, 'audit spool replay failed; retrying');
      this.databaseDown = true;
    } finally {
      this.updateDepth();
    }
  }

  /** Stores a batch; known ids are skipped. */
  private async insert(rows: AuditEventEntity[]): Promise<void> {
    // Refused until the schema is current: the batch is spooled meanwhile.
    this.database.assertSchemaCurrent();
    await this.writer.insert(rows);
  }

  private updateDepth(): void {
    this.metrics?.auditSpoolDepth.set(this.spool.depth);
  }
}

/** Which database the spool belongs to, without credentials: a spool is only replayed into its own database. */
function databaseIdentity(database: DatabaseConnectionOptions): string {
  const { url, sqlitePath } = database;
  if (!url) return `sqlite:${resolve(sqlitePath)}`;
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'postgres';
  }
}
