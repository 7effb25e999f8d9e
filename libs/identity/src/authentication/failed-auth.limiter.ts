import { Inject, Injectable } from '@nestjs/common';
import { AuthenticationThrottledException } from './authentication.errors';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

interface SourceRecord {
  failures: number[];
  blockedUntil: number;
}

const MAX_DELAY_MS = 2_000;
const DELAY_STEP_MS = 200;
const MAX_TRACKED_SOURCES = 100_000;

/**
 * Slows, then refuses, a source that keeps failing authentication: after `failedAuthSlowAfter`
 * failures in the window each further answer is delayed; after `failedAuthBlockAfter` the source is
 * refused with 429 for `failedAuthBlockSeconds`. Per replica; the pre-auth flood limiter of the
 * throttling module is the cluster-wide defence.
 */
@Injectable()
export class FailedAuthLimiter {
  private readonly sources = new Map<string, SourceRecord>();

  constructor(@Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions) {}

  /** Throws AuthenticationThrottledException while `source` is blocked. */
  assertAllowed(source: string, now = Date.now()): void {
    const record = this.sources.get(source);
    if (record && record.blockedUntil > now) throw new AuthenticationThrottledException((record.blockedUntil - now) / 1000);
  }

  /** Records a failure and returns how long to delay the answer (ms). Blocks the source past the limit. */
  recordFailure(source: string, now = Date.now()): number {
    const { failedAuthSlowAfter, failedAuthBlockAfter, failedAuthWindowSeconds, failedAuthBlockSeconds } = this.options;
    let record = this.sources.get(source);
    if (!record) {
      if (this.sources.size >= MAX_TRACKED_SOURCES) this.evictOldest();
      record = { failures: [], blockedUntil: 0 };
      this.sources.set(source, record);
    }
    const windowStart = now - failedAuthWindowSeconds * 1000;
    record.failures = record.failures.filter((at) => at > windowStart);
    record.failures.push(now);
    const count = record.failures.length;
    if (count >= failedAuthBlockAfter) {
      record.blockedUntil = now + failedAuthBlockSeconds * 1000;
      record.failures = [];
    }
    return count > failedAuthSlowAfter ? Math.min((count - failedAuthSlowAfter) * DELAY_STEP_MS, MAX_DELAY_MS) : 0;
  }

  private evictOldest(): void {
    const oldest = this.sources.keys().next();
    if (!oldest.done) this.sources.delete(oldest.value);
  }
}
