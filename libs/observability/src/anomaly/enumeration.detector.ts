import { BoundedMap } from './bounded-map';
import type { AnomalyThresholds } from './anomaly.types';

interface NotFoundState {
  windowStart: number;
  /** Distinct paths answered 404 in this window; never more than the threshold + 1 entries. */
  paths: Set<string>;
  flagged: boolean;
}

const WINDOW_MS = 60_000;
/** Paths are remembered by their first characters only, to bound memory (enough to tell them apart). */
const MAX_PATH_CHARS = 256;

/**
 * Enumeration: more than `distinctNotFoundPerMinute` distinct paths answered 404 to one client in a
 * minute. The same missing path requested again and again is not enumeration (a stale link, a
 * misconfigured probe) and is not counted twice. Flagged once per window.
 */
export class EnumerationDetector {
  private readonly states: BoundedMap<string, NotFoundState>;

  constructor(private readonly thresholds: AnomalyThresholds) {
    this.states = new BoundedMap(thresholds.maxTrackedClients);
  }

  /** Records a 404 for `path` to `client`; returns the distinct count when it crosses the threshold. */
  record(client: string, path: string, nowMs: number): number | null {
    const state = this.states.getOrCreate(client, () => ({ windowStart: nowMs, paths: new Set<string>(), flagged: false }));
    if (nowMs - state.windowStart >= WINDOW_MS) {
      state.windowStart = nowMs;
      state.paths.clear();
      state.flagged = false;
    }
    if (state.flagged) return null;
    state.paths.add(path.length > MAX_PATH_CHARS ? path.slice(0, MAX_PATH_CHARS) : path);
    const distinct = state.paths.size;
    if (distinct <= this.thresholds.distinctNotFoundPerMinute) return null;
    state.flagged = true;
    state.paths.clear();
    return distinct;
  }
}
