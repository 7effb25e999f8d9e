import { Dispatcher } from 'undici';
import type { SentTracker } from './buffered-exchange';

/**
 * The legacy (callback) handler interface that undici's `request()` passes to `dispatch`
 * (its RequestHandler), as undici's Request calls it. Every method is forwarded untouched.
 */
type LegacyMethod = (...args: unknown[]) => unknown;
type LegacyHandler = Partial<
  Record<
    'onConnect' | 'onResponseStarted' | 'onHeaders' | 'onData' | 'onComplete' | 'onError' | 'onUpgrade' | 'onBodySent' | 'onRequestSent',
    LegacyMethod
  >
>;

const FORWARDED = ['onConnect', 'onResponseStarted', 'onHeaders', 'onData', 'onComplete', 'onError', 'onUpgrade'] as const;

/**
 * A one-attempt view of a pool for streamed answers (buffered ones use bufferedExchange) that
 * records in `tracker` whether undici handed any byte of the request to the socket. undici calls
 * `onBodySent` / `onRequestSent` right after `socket.write` of the request (headers and a Buffer body
 * are written together), so `sent === false` after an error means the
 * model server cannot have seen this request: it is safe to retry even a non-idempotent inference.
 * Closing the pool stays the pool's business.
 */
export class SentTrackingDispatcher extends Dispatcher {
  constructor(
    private readonly pool: Dispatcher,
    private readonly tracker: SentTracker,
  ) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.pool.dispatch(options, this.track(handler as LegacyHandler) as Dispatcher.DispatchHandler);
  }

  override close(): Promise<void> {
    return Promise.resolve();
  }

  override destroy(): Promise<void> {
    return Promise.resolve();
  }

  private track(inner: LegacyHandler): LegacyHandler {
    // undici validates and calls the legacy methods by name: forward each one explicitly.
    const tracked: LegacyHandler = {};
    for (const name of FORWARDED) {
      const method = inner[name];
      if (method) tracked[name] = (...args) => method.apply(inner, args);
    }
    tracked.onBodySent = (...args) => {
      this.tracker.sent = true;
      return inner.onBodySent?.(...args);
    };
    tracked.onRequestSent = (...args) => {
      this.tracker.sent = true;
      return inner.onRequestSent?.(...args);
    };
    return tracked;
  }
}
