import type { LimitState } from '../rate-limit.types';

export const RATE_LIMIT_POLICY_HEADER = 'RateLimit-Policy';
export const RATE_LIMIT_HEADER = 'RateLimit';

/**
 * The limit closest to exhaustion: the smallest remaining share of its quota; on a tie the fewest
 * remaining units, then the longest wait until it has recovered. Concurrency limits are not a quota
 * per time window (what the RateLimit fields describe), so they are named only when nothing else is
 * (a concurrency refusal names its limit through `denied`).
 */
export function closestToExhaustion(states: readonly LimitState[]): LimitState | undefined {
  const windowed = states.filter((state) => state.kind !== 'concurrency');
  let best: LimitState | undefined;
  for (const state of windowed.length > 0 ? windowed : states) {
    if (!best || compare(state, best) < 0) best = state;
  }
  return best;
}

function share(state: LimitState): number {
  return state.limit > 0 ? state.remaining / state.limit : 0;
}

function compare(a: LimitState, b: LimitState): number {
  return share(a) - share(b) || a.remaining - b.remaining || b.resetSeconds - a.resetSeconds;
}

/** Limit names are a small fixed set (scopes, quota periods, `route`): each is quoted once. */
const quoted = new Map<string, string>();
const MAX_QUOTED = 256;

/** RFC 8941 string item: the name in double quotes, with `\` and `"` escaped. */
function sfString(value: string): string {
  let item = quoted.get(value);
  if (item === undefined) {
    item = `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '')}"`;
    if (quoted.size < MAX_QUOTED) quoted.set(value, item);
  }
  return item;
}

/**
 * The draft-ietf-httpapi-ratelimit-headers fields for one limit:
 * `RateLimit-Policy: "<name>";q=<limit>;w=<window>` and `RateLimit: "<name>";r=<remaining>;t=<reset>`
 * (non-negative integers; the reset rounded up so that a client waiting `t` seconds finds it recovered).
 */
export function rateLimitHeaders(state: LimitState): Record<string, string> {
  const name = sfString(state.name);
  const q = Math.max(0, Math.floor(state.limit));
  const w = Math.max(1, Math.ceil(state.windowSeconds));
  const r = Math.max(0, Math.floor(state.remaining));
  const t = Math.max(0, Math.ceil(state.resetSeconds));
  return {
    [RATE_LIMIT_POLICY_HEADER]: `${name};q=${q};w=${w}`,
    [RATE_LIMIT_HEADER]: `${name};r=${r};t=${t}`,
  };
}
