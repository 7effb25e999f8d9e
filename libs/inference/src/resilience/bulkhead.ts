import { BulkheadFullError, withoutStack } from './upstream.errors';

/**
 * A bound on calls in flight to one upstream, without a queue: the call over the limit is refused
 * at once (BulkheadFullError), so that one slow model server holds at most `limit` of the
 * gateway's sockets and event-loop work, never all of them.
 */
export class Bulkhead {
  private inFlight = 0;

  constructor(
    private limit: number,
    private readonly onChange: (inFlight: number) => void = () => undefined,
  ) {}

  get active(): number {
    return this.inFlight;
  }

  /** A version may override the limit of its upstream; the latest setting applies to new calls. */
  setLimit(limit: number): void {
    this.limit = limit;
  }

  /** Takes a slot or throws; the returned function gives it back (idempotent). */
  enter(): () => void {
    if (this.inFlight >= this.limit) throw withoutStack(() => new BulkheadFullError());
    this.inFlight += 1;
    this.onChange(this.inFlight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      this.onChange(this.inFlight);
    };
  }
}
