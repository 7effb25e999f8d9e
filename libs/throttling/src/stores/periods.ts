import type { QuotaCharge } from '../rate-limit.types';

const DAY_MS = 86_400_000;

/** One UTC calendar period: its id (part of the quota key), start and end in epoch milliseconds. */
export interface QuotaPeriod {
  readonly id: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** The last period computed of each kind: every decision of a day asks for the same one. */
const lastPeriods: Partial<Record<QuotaCharge['period'], QuotaPeriod>> = {};

/** The UTC day (`d:2026-11-26`) or month (`m:2026-11`) that contains `nowMs`. */
export function quotaPeriod(period: QuotaCharge['period'], nowMs: number): QuotaPeriod {
  const last = lastPeriods[period];
  if (last !== undefined && nowMs >= last.startMs && nowMs < last.endMs) return last;
  const computed = computePeriod(period, nowMs);
  lastPeriods[period] = computed;
  return computed;
}

function computePeriod(period: QuotaCharge['period'], nowMs: number): QuotaPeriod {
  const now = new Date(nowMs);
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  if (period === 'day') {
    const startMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
    return { id: `d:${now.toISOString().slice(0, 10)}`, startMs, endMs: startMs + DAY_MS };
  }
  return {
    id: `m:${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}`,
    startMs: Date.UTC(year, month, 1),
    endMs: Date.UTC(year, month + 1, 1),
  };
}

/** Whole seconds, rounded up, and at least `min`. */
export function ceilSeconds(ms: number, min = 0): number {
  return Math.max(min, Math.ceil(ms / 1000 - 1e-9));
}
