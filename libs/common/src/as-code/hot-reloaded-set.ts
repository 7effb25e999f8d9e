import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { watch, type FSWatcher } from 'node:fs';

/** File events closer together than this become one reload (editors write a file in several steps). */
export const RELOAD_DEBOUNCE_MS = 100;

export type ReloadTrigger = 'file-change' | 'signal' | 'manual';

export type ReloadOutcome =
  | { status: 'reloaded'; previousVersion: string; version: string }
  | { status: 'unchanged'; version: string }
  | { status: 'refused'; version: string; problems: string[] };

export type LoadResult<T> = { ok: true; set: T } | { ok: false; problems: string[] };

/** An audit record the set asks its owner to write (the owner holds the AuditService). */
export interface ReloadAuditEvent {
  action: string;
  outcome: 'success' | 'failure';
  resourceId: string;
  reason?: string;
  details: Record<string, string | number | boolean | null>;
}

export interface HotReloadedSetOptions {
  /** Prefix of log events and audit actions, e.g. `authz.policy`. */
  eventPrefix: string;
  /** What the set is called in messages, e.g. `policy set`. */
  label: string;
  directory: string;
  watchFiles: boolean;
}

const SET_FILE = /\.ya?ml$/;

/**
 * Configuration as code that reloads while serving (policies, plans): loaded once at start (an invalid
 * or missing set stops the start with one line per problem), then reloaded on file change (when
 * enabled) and on SIGHUP, one reload at a time. A reload swaps the whole set at once and only for a
 * valid one: an invalid change is logged and audited, and the previous set keeps serving.
 */
export abstract class HotReloadedSet<T extends { version: string }> implements OnModuleInit, OnApplicationShutdown {
  protected readonly logger: Logger;
  private readonly listeners: ((set: T) => void)[] = [];
  private active?: T;
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly onSighup = (): void => this.reloadInBackground('signal');

  protected constructor(protected readonly options: HotReloadedSetOptions) {
    this.logger = new Logger(new.target.name);
  }

  /** Reads and validates the directory. */
  protected abstract load(directory: string): Promise<LoadResult<T>>;
  /** The error that stops the start, carrying `problems`. */
  protected abstract startupError(problems: string[]): Error;
  /** A few numbers or names describing a set, for logs and audit details. */
  protected abstract summary(set: T): Record<string, string | number | boolean | null>;
  protected abstract audit(event: ReloadAuditEvent): Promise<void>;

  async onModuleInit(): Promise<void> {
    const result = await this.read();
    if (!result.ok) {
      for (const problem of result.problems) this.logger.error({ event: `${this.options.eventPrefix}.invalid`, problem }, problem);
      throw this.startupError(result.problems);
    }
    this.active = result.set;
    this.logger.log(
      { event: `${this.options.eventPrefix}.loaded`, version: result.set.version, ...this.summary(result.set) },
      `${this.options.label} loaded`,
    );
    process.on('SIGHUP', this.onSighup);
    if (this.options.watchFiles) this.startWatching();
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onSighup);
    clearTimeout(this.debounce);
    this.debounce = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  current(): T {
    if (!this.active) throw new Error(`the ${this.options.label} is not loaded yet`);
    return this.active;
  }

  onChange(listener: (set: T) => void): void {
    this.listeners.push(listener);
  }

  /** Re-reads the directory and swaps in the new set if it is valid and different. Reloads run one at a time. */
  reload(trigger: ReloadTrigger = 'manual'): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.reloadNow(trigger));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private reloadInBackground(trigger: ReloadTrigger): void {
    this.reload(trigger).catch((error: unknown) => this.logger.error({ event: `${this.options.eventPrefix}.reload_failed`, err: error }));
  }

  private async reloadNow(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    const { eventPrefix, label } = this.options;
    const previous = this.current();
    const result = await this.read();
    if (!result.ok) {
      this.logger.warn(
        { event: `${eventPrefix}.reload_refused`, trigger, keptVersion: previous.version, problems: result.problems },
        `${label} change refused (${result.problems.length} problems); version ${previous.version} keeps serving`,
      );
      await this.audit({
        action: `${eventPrefix}.reload_refused`,
        outcome: 'failure',
        resourceId: previous.version,
        reason: 'invalid_set',
        details: { trigger, problems: result.problems.length, keptVersion: previous.version },
      });
      return { status: 'refused', version: previous.version, problems: result.problems };
    }
    const next = result.set;
    if (next.version === previous.version) return { status: 'unchanged', version: previous.version };
    this.active = next;
    const summary = this.summary(next);
    this.logger.log(
      { event: `${eventPrefix}.reloaded`, trigger, previousVersion: previous.version, version: next.version, ...summary },
      `${label} reloaded`,
    );
    await this.audit({
      action: `${eventPrefix}.reloaded`,
      outcome: 'success',
      resourceId: next.version,
      details: { trigger, previousVersion: previous.version, version: next.version, ...summary },
    });
    for (const listener of this.listeners) {
      try {
        listener(next);
      } catch (error) {
        this.logger.error({ event: `${eventPrefix}.listener_failed`, err: error }, `a ${label} change listener failed`);
      }
    }
    return { status: 'reloaded', previousVersion: previous.version, version: next.version };
  }

  private async read(): Promise<LoadResult<T>> {
    try {
      return await this.load(this.options.directory);
    } catch (error) {
      return { ok: false, problems: [`${this.options.directory}: ${error instanceof Error ? error.message : String(error)}`] };
    }
  }

  private startWatching(): void {
    const { eventPrefix, label } = this.options;
    try {
      this.watcher = watch(this.options.directory, { persistent: false }, (_event, filename) => {
        if (filename && !SET_FILE.test(filename.toString())) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => {
          this.debounce = undefined;
          this.reloadInBackground('file-change');
        }, RELOAD_DEBOUNCE_MS);
      });
      this.watcher.on('error', (error) =>
        this.logger.warn({ event: `${eventPrefix}.watch_failed`, err: error }, `${label} directory watch failed; SIGHUP still reloads`),
      );
    } catch (error) {
      this.logger.warn({ event: `${eventPrefix}.watch_failed`, err: error }, `cannot watch the ${label} directory; SIGHUP still reloads`);
    }
  }
}
