import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DatabaseService, withAdvisoryLock } from '@infergate/database';
import { AuditCheckpointEntity } from '../audit-checkpoint.entity';
import { AuditEventEntity } from '../audit-event.entity';
import { AuditService } from '../audit.service';
import { AUDIT_OPTIONS, type AuditOptions } from '../audit.options';

/** Of several replicas, one prunes at a time (a PostgreSQL advisory lock; SQLite has one process). */
export const AUDIT_RETENTION_LOCK_KEY = 7_346_194_001;
const RUN_EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PrunedChain {
  chain: string;
  throughSeq: number;
  throughHash: string;
  deleted: number;
}

export interface RetentionRun {
  cutoff: Date;
  deleted: number;
  chains: PrunedChain[];
  /** Rows from before the hash chain that were old enough to go. */
  unchainedDeleted: number;
}

/**
 * Deletes audit events older than audit.retentionDays, hourly and once the database is ready. Pruning
 * the start of a chain would look like tampering, so per chain only a prefix of wholly expired events
 * goes, and the last deleted event's seq and hash are kept as the chain's checkpoint (same
 * transaction): `audit verify` resumes from there and still catches any change in what remains. Each
 * run is itself audited (`audit.retention.pruned`, one per chain, and `audit.retention.run`).
 */
@Injectable()
export class AuditRetentionService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AuditRetentionService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly database: DatabaseService,
    private readonly audit: AuditService,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
  ) {}

  onModuleInit(): void {
    this.database.onReady(() => {
      void this.runInBackground();
      return Promise.resolve();
    });
    this.timer = setInterval(() => void this.runInBackground(), RUN_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pruning run at `now`; the audit events about it are queued before this resolves. */
  async prune(now = new Date()): Promise<RetentionRun> {
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    const { dataSource } = this.database;
    this.database.repository(AuditEventEntity); // 503 until the schema is current
    const run = await withAdvisoryLock(dataSource, AUDIT_RETENTION_LOCK_KEY, () =>
      dataSource.transaction(async (manager) => {
        const chains: PrunedChain[] = [];
        const candidates = await manager
          .createQueryBuilder(AuditEventEntity, 'event')
          .select('event.chain', 'chain')
          .where('event.chain IS NOT NULL AND event.occurredAt < :cutoff', { cutoff })
          .groupBy('event.chain')
          .getRawMany<{ chain: string }>();
        for (const { chain } of candidates) {
          const pruned = await pruneChain(manager, chain, cutoff, now);
          if (pruned) chains.push(pruned);
        }
        const legacy = await manager
          .createQueryBuilder()
          .delete()
          .from(AuditEventEntity)
          .where('hash IS NULL AND occurred_at < :cutoff', { cutoff })
          .execute();
        const unchainedDeleted = legacy.affected ?? 0;
        const deleted = chains.reduce((sum, chain) => sum + chain.deleted, 0) + unchainedDeleted;
        return { cutoff, deleted, chains, unchainedDeleted };
      }),
    );
    for (const chain of run.chains) {
      this.audit.enqueue({
        action: 'audit.retention.pruned',
        outcome: 'success',
        actor: { type: 'system' },
        resource: { type: 'AuditChain', id: chain.chain },
        details: { prunedChain: chain.chain, throughSeq: chain.throughSeq, throughHash: chain.throughHash, deleted: chain.deleted },
      });
    }
    this.audit.enqueue({
      action: 'audit.retention.run',
      outcome: 'success',
      actor: { type: 'system' },
      details: {
        cutoff: cutoff.toISOString(),
        retentionDays: this.options.retentionDays,
        deleted: run.deleted,
        chains: run.chains.length,
        unchainedDeleted: run.unchainedDeleted,
      },
    });
    return run;
  }

  private runInBackground(): Promise<unknown> {
    if (this.running) return this.running;
    this.running = this.prune()
      .then((run) =>
        this.logger.log({ event: 'audit.retention.run', deleted: run.deleted, chains: run.chains.length }, 'audit retention run'),
      )
      .catch((error: unknown) => {
        this.audit.enqueue({ action: 'audit.retention.run', outcome: 'failure', actor: { type: 'system' }, reason: 'prune_failed' });
        this.logger.warn({ event: 'audit.retention.failed', err: error }, 'audit retention run failed');
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }
}

/**
 * Deletes the longest prefix of `chain` (after its checkpoint) whose events all occurred before the
 * cutoff, and moves the checkpoint to its last event. Null when nothing goes, or when the event the
 * checkpoint would name is missing (a broken chain is left for `audit verify` to report, not erased).
 */
async function pruneChain(manager: EntityManager, chain: string, cutoff: Date, now: Date): Promise<PrunedChain | null> {
  const checkpoints = manager.getRepository(AuditCheckpointEntity);
  const checkpoint = await checkpoints.findOneBy({ chain });
  const floor = checkpoint?.throughSeq ?? 0;
  const events = manager.getRepository(AuditEventEntity);
  const firstKept = await events
    .createQueryBuilder('event')
    .select('MIN(event.seq)', 'seq')
    .where('event.chain = :chain AND event.seq > :floor AND event.occurredAt >= :cutoff', { chain, floor, cutoff })
    .getRawOne<{ seq: string | number | null }>();
  const last = await events
    .createQueryBuilder('event')
    .select('MAX(event.seq)', 'seq')
    .where('event.chain = :chain', { chain })
    .getRawOne<{ seq: string | number | null }>();
  const through = firstKept?.seq !== null && firstKept?.seq !== undefined ? Number(firstKept.seq) - 1 : Number(last?.seq ?? 0);
  if (through <= floor) return null;
  const boundary = await events.findOneBy({ chain, seq: through });
  if (!boundary?.hash) return null;
  const result = await manager
    .createQueryBuilder()
    .delete()
    .from(AuditEventEntity)
    .where('chain = :chain AND seq > :floor AND seq <= :through', { chain, floor, through })
    .execute();
  await checkpoints.save({ chain, throughSeq: through, throughHash: boundary.hash, prunedAt: now });
  return { chain, throughSeq: through, throughHash: boundary.hash, deleted: result.affected ?? 0 };
}
