import { BoundedMap } from './bounded-map';
import type { AnomalyThresholds } from './anomaly.types';

interface FailureState {
  /** Failures per 10-second slot over the last minute (a ring indexed by slot). */
  slots: number[];
  lastSlot: number;
  quietUntilSlot: number;
}

const SLOT_SECONDS = 10;
const SLOTS = 6; // one minute

/**
 * Bursts of authentication failures (401 answers, including failed token requests) per source IP: more
 * than `authFailuresPerMinute` in a sliding minute (10-second resolution) is flagged, once a minute.
 */
export class AuthFailureDetector {
  private readonly states: BoundedMap<string, FailureState>;

  constructor(private readonly thresholds: AnomalyThresholds) {
    this.states = new BoundedMap(thresholds.maxTrackedClients);
  }

  /** Counts one failure from `ip`; returns the failures of the last minute when they are a burst. */
  record(ip: string, nowMs: number): number | null {
    const slot = Math.floor(nowMs / (SLOT_SECONDS * 1000));
    const state = this.states.getOrCreate(ip, () => ({ slots: new Array<number>(SLOTS).fill(0), lastSlot: slot, quietUntilSlot: 0 }));
    for (let s = state.lastSlot + 1; s <= Math.min(slot, state.lastSlot + SLOTS); s += 1) state.slots[s % SLOTS] = 0;
    state.lastSlot = Math.max(state.lastSlot, slot);
    state.slots[slot % SLOTS] += 1;

    if (slot < state.quietUntilSlot) return null;
    let failures = 0;
    for (const count of state.slots) failures += count;
    if (failures <= this.thresholds.authFailuresPerMinute) return null;
    state.quietUntilSlot = slot + SLOTS;
    return failures;
  }
}
