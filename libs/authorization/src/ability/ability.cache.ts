import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Principal } from '@infergate/contracts';
import { POLICY_SOURCE, type PolicySet, type PolicySource } from '../policy/policy.types';
import { buildAbility } from './ability.factory';
import type { CompiledAbility } from './ability.types';

export interface AbilityCacheOptions {
  /** Distinct principals whose abilities are kept; the oldest is dropped beyond it. */
  maxEntries?: number;
}

export const ABILITY_CACHE_OPTIONS = Symbol('AbilityCacheOptions');

export const DEFAULT_ABILITY_CACHE_ENTRIES = 10_000;

/**
 * Abilities per (principal attributes that rules can see, policy version). Building one costs tens of
 * microseconds, a cached check well under one (see bench/authorization.bench.ts). The whole cache is
 * dropped when the policy source swaps the set, so that no decision outlives the set that made it.
 */
@Injectable()
export class AbilityCache {
  private readonly maxEntries: number;
  private readonly byAttributes = new Map<string, CompiledAbility>();
  /**
   * The same principal object is usually asked several times in a row (guard, then service): one
   * slot skips rebuilding its key. A WeakMap would cost more than the key on every new request.
   */
  private last: { principal: Principal; compiled: CompiledAbility } | undefined;
  /** Read on first use: the source loads its set during module init, after this is constructed. */
  private policy: PolicySet | undefined;

  constructor(
    @Inject(POLICY_SOURCE) private readonly source: PolicySource,
    @Optional() @Inject(ABILITY_CACHE_OPTIONS) options?: AbilityCacheOptions,
  ) {
    this.maxEntries = Math.max(1, options?.maxEntries ?? DEFAULT_ABILITY_CACHE_ENTRIES);
    source.onChange((set) => this.reset(set));
  }

  /** The active policy set. */
  current(): PolicySet {
    return this.syncWithSource();
  }

  /** The principal's ability under the active policy set, built once per distinct principal. */
  forPrincipal(principal: Principal): CompiledAbility {
    const policy = this.syncWithSource();
    const last = this.last;
    if (last !== undefined && last.principal === principal && last.compiled.policy === policy) return last.compiled;

    const key = cacheKey(principal);
    let compiled = this.byAttributes.get(key);
    if (compiled === undefined) {
      compiled = { ability: buildAbility(policy, principal), policy };
      if (this.byAttributes.size >= this.maxEntries) {
        const oldest = this.byAttributes.keys().next();
        if (!oldest.done) this.byAttributes.delete(oldest.value);
      }
      this.byAttributes.set(key, compiled);
    }
    this.last = { principal, compiled };
    return compiled;
  }

  /** Number of cached abilities (for tests and metrics). */
  get size(): number {
    return this.byAttributes.size;
  }

  private syncWithSource(): PolicySet {
    // The listener is the normal path; this also covers a source that swapped before it was heard.
    const current = this.source.current();
    if (current !== this.policy) this.reset(current);
    return current;
  }

  private reset(set: PolicySet): void {
    this.policy = set;
    this.byAttributes.clear();
    this.last = undefined;
  }
}

/**
 * Exactly the attributes buildAbility reads, each string length-prefixed so that distinct principals
 * never share a key whatever characters their ids contain (and 3× cheaper than JSON.stringify).
 */
function cacheKey(principal: Principal): string {
  let roles = `${principal.roles.length}[`;
  for (const grant of principal.roles) roles += part(grant.role);
  return (
    part(principal.subject) +
    (principal.orgId === null ? '-' : part(principal.orgId)) +
    list(principal.projectIds) +
    roles +
    list(principal.scopes) +
    part(principal.clearance) +
    list(principal.allowedRegions)
  );
}

function part(value: string): string {
  return `${value.length}:${value}`;
}

function list(values: readonly string[]): string {
  let out = `${values.length}[`;
  for (const value of values) out += part(value);
  return out;
}
