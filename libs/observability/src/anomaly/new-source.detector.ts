import { BoundedMap } from './bounded-map';
import type { AnomalyThresholds } from './anomaly.types';
import { sourcePrefix } from './source-prefix';

interface SourceState {
  firstSeen: number;
  requests: number;
  /** The /24 or /48 networks the application has called from (insertion order: oldest first). */
  prefixes: Set<string>;
}

const MAX_PREFIXES = 256;

/**
 * New source networks per application: while it is learning (its first `sourceLearningSeconds` and
 * `sourceLearningRequests`) every /24 (IPv4) or /48 (IPv6) it calls from is remembered silently; after
 * that, a network it has never called from is flagged once, then remembered.
 */
export class NewSourceDetector {
  private readonly states: BoundedMap<string, SourceState>;

  constructor(private readonly thresholds: AnomalyThresholds) {
    this.states = new BoundedMap(thresholds.maxTrackedClients);
  }

  /** Records a request of `application` from `ip`; returns the new network when it is one to flag. */
  record(application: string, ip: string, nowMs: number): string | null {
    const prefix = sourcePrefix(ip);
    if (prefix === null) return null;
    const state = this.states.getOrCreate(application, () => ({ firstSeen: nowMs, requests: 0, prefixes: new Set<string>() }));
    state.requests += 1;
    if (state.prefixes.has(prefix)) return null;
    if (state.prefixes.size >= MAX_PREFIXES) state.prefixes.delete(state.prefixes.values().next().value!);
    state.prefixes.add(prefix);
    const t = this.thresholds;
    const learning = nowMs - state.firstSeen < t.sourceLearningSeconds * 1000 || state.requests <= t.sourceLearningRequests;
    return learning ? null : prefix;
  }
}
