import { ProblemException } from '@infergate/common';
import type { LimitState, QuotaCharge } from '../rate-limit.types';

/** Seconds a client should wait: a whole number, at least 1. */
export function retryAfterSeconds(value: number | undefined): number {
  return Math.max(1, Math.ceil(value ?? 1));
}

/** A rate limit (token bucket) or concurrency limit refused the request. */
export class RateLimitedException extends ProblemException {
  constructor(denied: LimitState, retryAfter: number, headers: Record<string, string>) {
    const detail =
      denied.kind === 'concurrency'
        ? `Too many concurrent requests for the ${denied.name} limit (${denied.limit} in flight). Retry after ${retryAfter} s.`
        : `The ${denied.name} rate limit is exhausted. Retry after ${retryAfter} s.`;
    super({
      status: 429,
      slug: 'rate-limited',
      title: 'Too Many Requests',
      detail,
      headers: { ...headers, 'Retry-After': String(retryAfter) },
      extensions: { limit: denied.name },
    });
  }
}

/** A day or month quota is used up: says which, and when it resets (ISO 8601, UTC). */
export class QuotaExhaustedException extends ProblemException {
  constructor(denied: LimitState, resetsAt: Date, retryAfter: number, headers: Record<string, string>) {
    const reset = resetsAt.toISOString();
    super({
      status: 429,
      slug: 'quota-exhausted',
      title: 'Too Many Requests',
      detail: `The ${denied.name} quota of ${denied.limit} units is exhausted; it resets at ${reset}.`,
      headers: { ...headers, 'Retry-After': String(retryAfter) },
      extensions: { quota: denied.name, limit: denied.limit, resetsAt: reset },
    });
  }
}

/** The start of the next calendar period (UTC) after `now`: where a quota resets. */
export function nextPeriodStart(period: QuotaCharge['period'], now: Date): Date {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  return period === 'day' ? new Date(Date.UTC(year, month, now.getUTCDate() + 1)) : new Date(Date.UTC(year, month + 1, 1));
}
