import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { watch, type FSWatcher } from 'node:fs';
import { AuditService } from '@infergate/audit';
import { APP_CONFIG, type InfergateConfig } from '@infergate/common';
import type { PlanSet } from '../rate-limit.types';
import { loadPlanSet, PlanSetError, type PlanSetResult } from './plan-set.loader';
import type { PlanSource } from './plan.types';

/** File events closer together than this become one reload. */
export const PLAN_RELOAD_DEBOUNCE_MS = 100;

export type PlanReloadTrigger = 'file-change' | 'signal' | 'manual';

export type PlanReloadOutcome =
  | { status: 'reloaded'; previousVersion: string; version: string }
  | { status: 'unchanged'; version: string }
  | { status: 'refused'; version: string; problems: string[] };

const PLAN_FILE = /\.ya?ml$/;
const AUDIT_ACTOR = { type: 'system', id: 'plan-store' } as const;

/**
 * The active plan set, read from `throttling.plansDir`. Loaded at start (an invalid or missing set
 * stops the start with one line per problem), reloaded on file change and on SIGHUP. A reload swaps
 * the whole set, and only for a valid one: an invalid change is logged and audited, and the previous
 * set keeps serving.
 */
@Injectable()
export class PlanStore implements PlanSource, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PlanStore.name);
  private readonly listeners: ((set: PlanSet) => void)[] = [];
  private readonly directory: string;
  private readonly watchFiles: boolean;
  private active?: PlanSet;
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly onSighup = (): void => {
    this.reload('signal').catch((error: unknown) => this.logger.error({ event: 'throttling.plans.reload_failed', err: error }));
  };

  constructor(
    @Inject(APP_CONFIG) config: InfergateConfig,
    private readonly audit: AuditService,
  ) {
    this.directory = config.throttling.plansDir;
    // The policy store's switch also governs the plans: both are "configuration as code" next to each other.
    this.watchFiles = config.authorization?.watchPolicies ?? true;
  }

  async onModuleInit(): Promise<void> {
    const result = await this.read();
    if (!result.ok) {
      for (const problem of result.problems) this.logger.error({ event: 'throttling.plans.invalid', problem }, problem);
      throw new PlanSetError(result.problems, `plan set in ${this.directory}`);
    }
    this.active = result.set;
    this.logger.log(
      { event: 'throttling.plans.loaded', version: result.set.version, plans: Object.keys(result.set.plans) },
      'plan set loaded',
    );
    process.on('SIGHUP', this.onSighup);
    if (this.watchFiles) this.startWatching();
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onSighup);
    clearTimeout(this.debounce);
    this.debounce = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  current(): PlanSet {
    if (!this.active) throw new Error('the plan set is not loaded yet');
    return this.active;
  }

  onChange(listener: (set: PlanSet) => void): void {
    this.listeners.push(listener);
  }

  /** Re-reads the directory and swaps in the new set if it is valid and different. One reload at a time. */
  reload(trigger: PlanReloadTrigger = 'manual'): Promise<PlanReloadOutcome> {
    const run = this.queue.then(() => this.reloadNow(trigger));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(trigger: PlanReloadTrigger): Promise<PlanReloadOutcome> {
    const previous = this.current();
    const result = await this.read();
    if (!result.ok) {
      this.logger.warn(
        { event: 'throttling.plans.reload_refused', trigger, keptVersion: previous.version, problems: result.problems },
        `plan change refused (${result.problems.length} problems); version ${previous.version} keeps serving`,
      );
      await this.audit.record({
        action: 'throttling.plans.reload_refused',
        outcome: 'failure',
        actor: AUDIT_ACTOR,
        resource: { type: 'PlanSet', id: previous.version },
        reason: 'invalid_plan_set',
        details: { trigger, problems: result.problems.length, keptVersion: previous.version },
      });
      return { status: 'refused', version: previous.version, problems: result.problems };
    }
    const next = result.set;
    if (next.version === previous.version) return { status: 'unchanged', version: previous.version };
    this.active = next;
    this.logger.log(
      { event: 'throttling.plans.reloaded', trigger, previousVersion: previous.version, version: next.version },
      'plan set reloaded',
    );
    await this.audit.record({
      action: 'throttling.plans.reloaded',
      outcome: 'success',
      actor: AUDIT_ACTOR,
      resource: { type: 'PlanSet', id: next.version },
      details: { trigger, previousVersion: previous.version, version: next.version, plans: Object.keys(next.plans).length },
    });
    for (const listener of this.listeners) {
      try {
        listener(next);
      } catch (error) {
        this.logger.error({ event: 'throttling.plans.listener_failed', err: error }, 'a plan change listener failed');
      }
    }
    return { status: 'reloaded', previousVersion: previous.version, version: next.version };
  }

  private async read(): Promise<PlanSetResult> {
    try {
      return await loadPlanSet(this.directory);
    } catch (error) {
      return { ok: false, problems: [`${this.directory}: ${error instanceof Error ? error.message : String(error)}`] };
    }
  }

  private startWatching(): void {
    try {
      this.watcher = watch(this.directory, { persistent: false }, (_event, filename) => {
        if (filename && !PLAN_FILE.test(filename.toString())) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => {
          this.debounce = undefined;
          this.reload('file-change').catch((error: unknown) => this.logger.error({ event: 'throttling.plans.reload_failed', err: error }));
        }, PLAN_RELOAD_DEBOUNCE_MS);
      });
      this.watcher.on('error', (error) =>
        this.logger.warn({ event: 'throttling.plans.watch_failed', err: error }, 'plans directory watch failed; SIGHUP still reloads'),
      );
    } catch (error) {
      this.logger.warn({ event: 'throttling.plans.watch_failed', err: error }, 'cannot watch the plans directory; SIGHUP still reloads');
    }
  }
}
