import { Readable } from 'node:stream';
import { UpstreamResponseTooLargeError } from '../resilience/upstream.errors';

/** Destroys an upstream body we will not read (undici then drops the connection); its abort error is expected. */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

export interface CappedBodyHooks {
  /** Turns an error of the upstream body into the error the consumer sees (a typed UpstreamError). */
  mapError: (error: unknown) => Error;
  /** Called once when this stream closes; `completed` is false when it ended early (abort, error, cap). */
  onClose: (completed: boolean) => void;
}

/**
 * The consumer's view of a streamed upstream body: bytes pass through unchanged, with backpressure
 * (the upstream socket is paused while the consumer is slow), and the stream fails with
 * UpstreamResponseTooLargeError past `maxBytes`. Destroying it destroys the upstream body, which
 * makes undici close the upstream connection, so the model server sees the request cancelled.
 */
export class CappedUpstreamBody extends Readable {
  private size = 0;
  private completed = false;

  constructor(
    private readonly upstream: Readable,
    private readonly maxBytes: number,
    private readonly hooks: CappedBodyHooks,
  ) {
    super();
    upstream.on('data', (chunk: Buffer) => this.forward(chunk));
    upstream.on('end', () => {
      this.completed = true;
      this.push(null);
    });
    upstream.on('error', (error) => this.destroy(hooks.mapError(error)));
    upstream.on('close', () => {
      if (!this.completed && !this.destroyed) this.destroy(hooks.mapError(new Error('upstream body closed early')));
    });
    upstream.pause();
  }

  override _read(): void {
    this.upstream.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.upstream.destroyed) discardBody(this.upstream);
    this.hooks.onClose(this.completed && !error);
    callback(error);
  }

  private forward(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.destroy(new UpstreamResponseTooLargeError());
      return;
    }
    if (!this.push(chunk)) this.upstream.pause();
  }
}
