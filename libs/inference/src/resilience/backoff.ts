/** Retry backoff: base of the exponential and its cap (ms). */
export const BACKOFF_BASE_MS = 50;
export const BACKOFF_CAP_MS = 1_000;

/**
 * "Full jitter" backoff (AWS architecture blog): a uniform random wait in
 * [0, min(cap, base · 2^retry)), which spreads the retries of many callers instead of synchronising them.
 * `retry` counts from 0 (the wait before the first retry).
 */
export function fullJitterBackoffMs(
  retry: number,
  random: () => number = Math.random,
  baseMs = BACKOFF_BASE_MS,
  capMs = BACKOFF_CAP_MS,
): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** retry));
}

/**
 * Milliseconds a `Retry-After` value (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) asks to wait,
 * or undefined when absent or unparseable. A date in the past means 0.
 */
export function parseRetryAfterMs(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, date - now);
}
