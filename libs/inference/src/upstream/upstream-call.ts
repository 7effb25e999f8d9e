import { setTimeout as delay } from 'node:timers/promises';
import type { Span } from '@opentelemetry/api';
import type { HttpEndpoint } from '@infergate/model-registry';
import type { BreakerPermit } from '../resilience/circuit-breaker';
import { UpstreamCallAbortedError } from '../resilience/upstream.errors';
import type { UpstreamGuard } from '../resilience/upstream-guards';
import { Cancellation } from './cancellation';
import { CLIENT_WENT_AWAY, DEADLINE_REACHED, FIRST_BYTE_PASSED } from './upstream-error-classifier';
import type { UpstreamTarget } from './upstream-pools';

/** Deadlines of one call, resolved from the endpoint and the gateway defaults. */
export interface CallDeadlines {
  connectMs: number;
  firstByteMs: number;
  totalMs: number;
}

/** One attempt's cancellation and the hook that stops its first-byte deadline. */
export interface AttemptCancellation {
  cancellation: Cancellation;
  headersReceived: () => void;
}

/**
 * The state of one logical upstream call across its attempts: one cancellation aborted at the total
 * deadline or when the client leaves, the bulkhead slot, the attempt count, the trace span. `end()`
 * releases everything exactly once.
 */
export class UpstreamCall {
  readonly cancellation: Cancellation;
  readonly deadline: number;
  attempts = 0;
  /** The call's `upstream` span when tracing is on; `end()` ends it. */
  span: Span | undefined = undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly releaseSlot: () => void;
  private ended = false;
  private readonly detachClient: (() => void) | undefined;

  /** The admission of the first attempt, taken before anything else is allocated (refusals stay cheap). */
  private firstPermit: BreakerPermit | undefined;

  /**
   * Admits the call (breaker first, so an open circuit answers as such, then the bulkhead slot held
   * for the whole call) and starts the total deadline. Throws CircuitOpenError / BulkheadFullError /
   * UpstreamCallAbortedError without side effects.
   */
  constructor(
    readonly endpoint: HttpEndpoint,
    readonly target: UpstreamTarget,
    readonly guard: UpstreamGuard,
    readonly deadlines: CallDeadlines,
    clientGone: Cancellation | undefined,
  ) {
    if (clientGone?.aborted) throw new UpstreamCallAbortedError();
    const permit = guard.breaker.acquire();
    try {
      this.releaseSlot = guard.bulkhead.enter();
    } catch (error) {
      permit.cancel();
      throw error;
    }
    this.firstPermit = permit;
    const cancellation = new Cancellation();
    this.cancellation = cancellation;
    this.deadline = Date.now() + deadlines.totalMs;
    this.timer = setTimeout(() => cancellation.abort(DEADLINE_REACHED), deadlines.totalMs);
    this.detachClient = clientGone?.onAbort(() => cancellation.abort(CLIENT_WENT_AWAY));
  }

  remainingMs(): number {
    return this.deadline - Date.now();
  }

  /** Admits one attempt: the first was admitted with the call; a retry asks the breaker again. */
  admit(): BreakerPermit {
    const permit = this.firstPermit ?? this.guard.breaker.acquire();
    this.firstPermit = undefined;
    this.attempts += 1;
    return permit;
  }

  /**
   * The cancellation of one attempt: aborted with the call (same reason) or, until `headersReceived()`,
   * when the first-byte deadline passes (FIRST_BYTE_PASSED).
   */
  attemptCancellation(): AttemptCancellation {
    const attempt = this.cancellation.child();
    const timer = setTimeout(() => attempt.abort(FIRST_BYTE_PASSED), this.deadlines.firstByteMs);
    return { cancellation: attempt, headersReceived: () => clearTimeout(timer) };
  }

  /** Waits between attempts; rejects with the abort reason when the call is aborted meanwhile. */
  async pause(ms: number): Promise<void> {
    if (ms > 0) await delay(ms, undefined, { signal: this.cancellation.signal });
  }

  /** Cancels the upstream exchange (the consumer went away). */
  abort(): void {
    this.cancellation.abort(CLIENT_WENT_AWAY);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.detachClient?.();
    this.firstPermit?.cancel();
    this.releaseSlot();
    this.span?.end();
  }
}
