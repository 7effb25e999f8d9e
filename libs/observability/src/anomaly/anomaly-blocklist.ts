import { Inject, Injectable, Optional } from '@nestjs/common';
import { ProblemException } from '@infergate/common';
import { BoundedMap } from './bounded-map';
import { ANOMALY_CLOCK, SYSTEM_CLOCK, type Clock } from './anomaly.types';

const MAX_BLOCKED = 100_000;

/**
 * Clients an anomaly detector blocked, until when. Keys are `ip:<address>` (refused by the gateway's
 * onRequest hook, before any credential is parsed) and `principal:<subject>` (refused by the
 * authentication guard once it knows who is calling). Per replica, in memory, bounded.
 */
@Injectable()
export class AnomalyBlocklist {
  private readonly until = new BoundedMap<string, number>(MAX_BLOCKED);

  constructor(@Optional() @Inject(ANOMALY_CLOCK) private readonly clock: Clock = SYSTEM_CLOCK) {}

  static ipKey(ip: string): string {
    return `ip:${ip}`;
  }

  static principalKey(subject: string): string {
    return `principal:${subject}`;
  }

  block(key: string, seconds: number): void {
    this.until.set(key, this.clock.now() + seconds * 1000);
  }

  isBlocked(key: string): boolean {
    return this.retryAfterSeconds(key) > 0;
  }

  /** Whole seconds until `key` is let through again; 0 when it is not blocked. */
  retryAfterSeconds(key: string): number {
    const until = this.until.get(key);
    if (until === undefined) return 0;
    const left = until - this.clock.now();
    if (left <= 0) {
      this.until.delete(key);
      return 0;
    }
    return Math.max(1, Math.ceil(left / 1000));
  }

  /** Throws ClientBlockedException while the principal `subject` is blocked (for the authentication guard). */
  assertPrincipalAllowed(subject: string): void {
    const retryAfter = this.retryAfterSeconds(AnomalyBlocklist.principalKey(subject));
    if (retryAfter > 0) throw new ClientBlockedException(retryAfter);
  }
}

/** A client flagged by an anomaly detector, refused for a while (observability.anomalyBlockSeconds). */
export class ClientBlockedException extends ProblemException {
  constructor(retryAfterSeconds: number) {
    super({
      status: 429,
      slug: 'client-blocked',
      title: 'Too Many Requests',
      detail: `Requests from this client are refused for now. Retry after ${retryAfterSeconds} s.`,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}
