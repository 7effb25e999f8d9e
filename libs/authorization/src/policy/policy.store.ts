import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { watch, type FSWatcher } from 'node:fs';
import { AuditService } from '@infergate/audit';
import { APP_CONFIG, type InfergateConfig } from '@infergate/common';
import { loadPolicySet, PolicySetError, type PolicySetResult } from './policy-set.loader';
import type { PolicySet, PolicySource } from './policy.types';

/** File events closer together than this become one reload (editors write a file in several steps). */
export const POLICY_RELOAD_DEBOUNCE_MS = 100;

export type PolicyReloadTrigger = 'file-change' | 'signal' | 'manual';

export type PolicyReloadOutcome =
  | { status: 'reloaded'; previousVersion: string; version: string }
  | { status: 'unchanged'; version: string }
  | { status: 'refused'; version: string; problems: string[] };

const POLICY_FILE = /\.ya?ml$/;
const AUDIT_ACTOR = { type: 'system', id: 'policy-store' } as const;

/**
 * The active policy set, read from `authorization.policyDir`. Loaded once at start (an invalid or
 * missing set stops the start), then reloaded on file change (when `authorization.watchPolicies`)
 * and on SIGHUP. A reload swaps the whole set at once and only for a valid one: an invalid change is
 * logged and audited, and the previous set keeps serving.
 */
@Injectable()
export class PolicyStore implements PolicySource, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PolicyStore.name);
  private readonly listeners: ((set: PolicySet) => void)[] = [];
  private readonly directory: string;
  private readonly watchFiles: boolean;
  private active?: PolicySet;
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly onSighup = (): void => {
    this.reload('signal').catch((error: unknown) => this.logger.error({ event: 'authz.policy.reload_failed', err: error }));
  };

  constructor(
    @Inject(APP_CONFIG) config: InfergateConfig,
    private readonly audit: AuditService,
  ) {
    this.directory = config.authorization.policyDir;
    this.watchFiles = config.authorization.watchPolicies;
  }

  async onModuleInit(): Promise<void> {
    const result = await this.read();
    if (!result.ok) {
      for (const problem of result.problems) this.logger.error({ event: 'authz.policy.invalid', problem }, problem);
      throw new PolicySetError(result.problems, `policy set in ${this.directory}`);
    }
    this.active = result.set;
    this.logger.log(
      { event: 'authz.policy.loaded', version: result.set.version, rules: result.set.rules.length, files: result.set.files },
      'policy set loaded',
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

  current(): PolicySet {
    if (!this.active) throw new Error('the policy set is not loaded yet');
    return this.active;
  }

  onChange(listener: (set: PolicySet) => void): void {
    this.listeners.push(listener);
  }

  /** Re-reads the directory and swaps in the new set if it is valid and different. Reloads run one at a time. */
  reload(trigger: PolicyReloadTrigger = 'manual'): Promise<PolicyReloadOutcome> {
    const run = this.queue.then(() => this.reloadNow(trigger));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(trigger: PolicyReloadTrigger): Promise<PolicyReloadOutcome> {
    const previous = this.current();
    const result = await this.read();
    if (!result.ok) {
      this.logger.warn(
        { event: 'authz.policy.reload_refused', trigger, keptVersion: previous.version, problems: result.problems },
        `policy change refused (${result.problems.length} problems); version ${previous.version} keeps serving`,
      );
      await this.audit.record({
        action: 'authz.policy.reload_refused',
        outcome: 'failure',
        actor: AUDIT_ACTOR,
        resource: { type: 'Policy', id: previous.version },
        reason: 'invalid_policy_set',
        details: { trigger, problems: result.problems.length, keptVersion: previous.version },
      });
      return { status: 'refused', version: previous.version, problems: result.problems };
    }
    const next = result.set;
    if (next.version === previous.version) return { status: 'unchanged', version: previous.version };
    this.active = next;
    this.logger.log(
      { event: 'authz.policy.reloaded', trigger, previousVersion: previous.version, version: next.version, rules: next.rules.length },
      'policy set reloaded',
    );
    await this.audit.record({
      action: 'authz.policy.reloaded',
      outcome: 'success',
      actor: AUDIT_ACTOR,
      resource: { type: 'Policy', id: next.version },
      details: { trigger, previousVersion: previous.version, version: next.version, rules: next.rules.length },
    });
    for (const listener of this.listeners) {
      try {
        listener(next);
      } catch (error) {
        this.logger.error({ event: 'authz.policy.listener_failed', err: error }, 'a policy change listener failed');
      }
    }
    return { status: 'reloaded', previousVersion: previous.version, version: next.version };
  }

  private async read(): Promise<PolicySetResult> {
    try {
      return await loadPolicySet(this.directory);
    } catch (error) {
      return { ok: false, problems: [`${this.directory}: ${error instanceof Error ? error.message : String(error)}`] };
    }
  }

  private startWatching(): void {
    try {
      this.watcher = watch(this.directory, { persistent: false }, (_event, filename) => {
        if (filename && !POLICY_FILE.test(filename.toString())) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => {
          this.debounce = undefined;
          this.reload('file-change').catch((error: unknown) => this.logger.error({ event: 'authz.policy.reload_failed', err: error }));
        }, POLICY_RELOAD_DEBOUNCE_MS);
      });
      this.watcher.on('error', (error) =>
        this.logger.warn({ event: 'authz.policy.watch_failed', err: error }, 'policy directory watch failed; SIGHUP still reloads'),
      );
    } catch (error) {
      this.logger.warn({ event: 'authz.policy.watch_failed', err: error }, 'cannot watch the policy directory; SIGHUP still reloads');
    }
  }
}
