import { CircuitOpenError, withoutStack } from './upstream.errors';

export type CircuitState = 'closed' | 'half-open' | 'open';

/** The value of the `infergate_upstream_circuit_state` gauge for a state. */
export const CIRCUIT_STATE_GAUGE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

export interface CircuitBreakerOptions {
  /** Consecutive failures that open a closed circuit. */
  failureThreshold: number;
  /** How long an open circuit fails fast before it lets probes through. */
  openMs: number;
  /** Probes allowed in flight in half-open state, and successes that close it again. */
  halfOpenProbes: number;
}

/**
 * Admission to one upstream call. Exactly one of `success`, `failure` or `cancel` should be called;
 * later calls are ignored. `cancel` returns a probe slot without an outcome (the caller went away,
 * the bulkhead was full).
 */
export interface BreakerPermit {
  success(): void;
  failure(): void;
  cancel(): void;
}

/**
 * A circuit breaker for one upstream origin: closed → open after `failureThreshold` consecutive
 * failures → half-open after `openMs`, admitting at most `halfOpenProbes` calls at a time (the
 * others fail fast) → closed after `halfOpenProbes` successful probes, or open again on the first
 * failed probe. Outcomes of calls admitted under an earlier state are ignored, so a slow call that
 * started before the circuit opened cannot close it.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private generation = 0;
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probesInFlight = 0;
  private probeSuccesses = 0;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly onStateChange: (state: CircuitState) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.openMs) this.transition('half-open');
    return this.current;
  }

  /** Admits a call or throws CircuitOpenError (Retry-After: whole seconds until half-open, at least 1). */
  acquire(): BreakerPermit {
    const state = this.state;
    if (state === 'open') {
      const seconds = Math.max(1, Math.ceil((this.openedAt + this.options.openMs - this.now()) / 1000));
      throw withoutStack(() => new CircuitOpenError(seconds));
    }
    if (state === 'half-open') {
      if (this.probesInFlight >= this.options.halfOpenProbes) throw withoutStack(() => new CircuitOpenError(1));
      this.probesInFlight += 1;
      return this.permit(true);
    }
    return this.permit(false);
  }

  private permit(probe: boolean): BreakerPermit {
    const generation = this.generation;
    let settled = false;
    const settle = (outcome: 'success' | 'failure' | 'cancel'): void => {
      if (settled) return;
      settled = true;
      if (generation !== this.generation) return;
      if (probe) this.probesInFlight -= 1;
      if (outcome === 'success') this.onSuccess(probe);
      else if (outcome === 'failure') this.onFailure(probe);
    };
    return { success: () => settle('success'), failure: () => settle('failure'), cancel: () => settle('cancel') };
  }

  private onSuccess(probe: boolean): void {
    if (!probe) {
      this.consecutiveFailures = 0;
      return;
    }
    this.probeSuccesses += 1;
    if (this.probeSuccesses >= this.options.halfOpenProbes) this.transition('closed');
  }

  private onFailure(probe: boolean): void {
    if (probe) {
      this.transition('open');
      return;
    }
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.options.failureThreshold) this.transition('open');
  }

  private transition(state: CircuitState): void {
    this.current = state;
    this.generation += 1;
    this.consecutiveFailures = 0;
    this.probesInFlight = 0;
    this.probeSuccesses = 0;
    if (state === 'open') this.openedAt = this.now();
    this.onStateChange(state);
  }
}
