import { BoundedMap } from './bounded-map';
import type { AnomalyThresholds } from './anomaly.types';

interface RateState {
  firstSecond: number;
  lastSecond: number;
  /** Requests per second over the last `spikeWindowSeconds` seconds (a ring indexed by second). */
  window: number[];
  /** EWMA of requests per second. */
  baseline: number;
  /** Completed seconds folded into the baseline. */
  seconds: number;
  /** No new flag before this second (one alert per spike, not one per request). */
  quietUntil: number;
}

export interface RateSpike {
  ratePerSecond: number;
  baselinePerSecond: number;
}

const COOLDOWN_SECONDS = 60;

/**
 * Request-rate spikes per key (a client or an organization): per-second counts folded into an
 * exponentially weighted moving average (time constant `baselineSeconds`; during the first seconds a
 * plain running mean, so the baseline is right from the start), compared with the rate over the last
 * few seconds. A spike is a short-window rate above `spikeFactor` × baseline and above an absolute
 * floor, once the key has been seen for the warm-up period. A key idle for long starts over, so a
 * client back after a quiet night is not compared with the decayed baseline of the night.
 */
export class RateSpikeDetector {
  private readonly states: BoundedMap<string, RateState>;
  private readonly alpha: number;

  constructor(private readonly thresholds: AnomalyThresholds) {
    this.states = new BoundedMap(thresholds.maxTrackedClients);
    this.alpha = 1 - Math.exp(-1 / thresholds.baselineSeconds);
  }

  /** Counts one request of `key` at `nowMs`; returns the spike when this request makes one. */
  record(key: string, nowMs: number): RateSpike | null {
    const second = Math.floor(nowMs / 1000);
    const width = this.thresholds.spikeWindowSeconds;
    const state = this.states.getOrCreate(key, () => fresh(second, width));
    if (second > state.lastSecond) this.advance(state, second);
    state.window[second % width] += 1;

    const t = this.thresholds;
    if (second - state.firstSecond < t.warmupSeconds || second < state.quietUntil) return null;
    let count = 0;
    for (const perSecond of state.window) count += perSecond;
    const rate = count / width;
    const baseline = Math.max(state.baseline, t.minBaselinePerSecond);
    if (rate < t.spikeFloorPerSecond || rate <= t.spikeFactor * baseline) return null;
    state.quietUntil = second + COOLDOWN_SECONDS;
    return { ratePerSecond: rate, baselinePerSecond: state.baseline };
  }

  /** Folds the seconds since the last request into the baseline and clears their window slots. */
  private advance(state: RateState, second: number): void {
    const width = this.thresholds.spikeWindowSeconds;
    const gap = second - state.lastSecond;
    if (gap > this.thresholds.idleResetSeconds) {
      Object.assign(state, fresh(second, width));
      return;
    }
    this.fold(state, state.window[state.lastSecond % width]);
    for (let idle = 1; idle < gap; idle += 1) this.fold(state, 0);
    for (let s = state.lastSecond + 1; s <= Math.min(second, state.lastSecond + width); s += 1) state.window[s % width] = 0;
    state.lastSecond = second;
  }

  private fold(state: RateState, count: number): void {
    state.seconds += 1;
    const weight = Math.max(this.alpha, 1 / state.seconds);
    state.baseline += weight * (count - state.baseline);
  }
}

function fresh(second: number, width: number): RateState {
  return { firstSecond: second, lastSecond: second, window: new Array<number>(width).fill(0), baseline: 0, seconds: 0, quietUntil: 0 };
}
