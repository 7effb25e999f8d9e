import { Inject, Injectable } from '@nestjs/common';
import { GatewayMetrics } from '@infergate/observability';
import { Bulkhead } from './bulkhead';
import { CIRCUIT_STATE_GAUGE, CircuitBreaker } from './circuit-breaker';
import { INFERENCE_OPTIONS, type InferenceModuleOptions } from '../inference.options';

/** The circuit breaker and bulkhead of one upstream origin. */
export interface UpstreamGuard {
  readonly origin: string;
  readonly breaker: CircuitBreaker;
  readonly bulkhead: Bulkhead;
}

/**
 * One breaker and one bulkhead per upstream origin (scheme://host:port), shared by every model
 * version served there, created on first use. Their state feeds the `infergate_upstream_circuit_state`
 * and `infergate_upstream_in_flight` gauges (label: the origin, a bounded, operator-registered set).
 */
@Injectable()
export class UpstreamGuards {
  private readonly guards = new Map<string, UpstreamGuard>();

  constructor(
    @Inject(INFERENCE_OPTIONS) private readonly options: InferenceModuleOptions,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** The guard of `origin`; `maxInFlight` (a version's override) updates its bulkhead limit. */
  for(origin: string, maxInFlight?: number): UpstreamGuard {
    const limit = maxInFlight ?? this.options.maxInFlightPerUpstream;
    let guard = this.guards.get(origin);
    if (!guard) {
      const { breakerFailureThreshold, breakerOpenMs, breakerHalfOpenProbes } = this.options;
      const breaker: CircuitBreaker = new CircuitBreaker(
        { failureThreshold: breakerFailureThreshold, openMs: breakerOpenMs, halfOpenProbes: breakerHalfOpenProbes },
        (state) => {
          this.metrics.circuitState.set({ upstream: origin }, CIRCUIT_STATE_GAUGE[state]);
          // The breaker turns half-open lazily, on its next call; this makes the gauge follow on time.
          if (state === 'open') setTimeout(() => breaker.state, breakerOpenMs + 1).unref();
        },
      );
      guard = {
        origin,
        breaker,
        bulkhead: new Bulkhead(limit, (inFlight) => this.metrics.upstreamInFlight.set({ upstream: origin }, inFlight)),
      };
      this.guards.set(origin, guard);
      this.metrics.circuitState.set({ upstream: origin }, CIRCUIT_STATE_GAUGE.closed);
    } else {
      guard.bulkhead.setLimit(limit);
    }
    return guard;
  }
}
