import { util, type Dispatcher } from 'undici';
import { UpstreamMalformedError, UpstreamResponseTooLargeError } from '../resilience/upstream.errors';
import type { Cancellation } from './cancellation';
import type { UpstreamHeaders } from './upstream.types';

/** Whether undici handed any byte of the request to the socket: after a failure, the retry decision. */
export interface SentTracker {
  sent: boolean;
}

/** One exchange's answer, body read whole. */
export interface BufferedExchangeResult {
  status: number;
  headers: UpstreamHeaders;
  body: Buffer;
}

export interface BufferedExchangeOptions {
  pool: Dispatcher;
  request: Dispatcher.DispatchOptions;
  /** Aborts the exchange with its reason (the call's deadline, the client leaving, the first-byte deadline). */
  cancellation: Cancellation;
  /** Larger answers are refused (UpstreamResponseTooLargeError) as soon as they are known to be. */
  maxBytes: number;
  tracker: SentTracker;
  /** Called when the response headers arrive (the first-byte deadline is met). */
  onHeaders: () => void;
}

/**
 * One buffered HTTP exchange on undici's dispatch API: the response is collected straight from the
 * parser's callbacks. `request()` would build a Readable body stream and the caller would iterate it;
 * for a small JSON answer that machinery costs more than the exchange. The semantics are those of
 * the streamed path: a 3xx is refused (redirects are never followed), a declared or actual size over
 * `maxBytes` aborts the exchange (undici then drops the connection), `tracker.sent` turns true once
 * undici has written the request (`onRequestSent`, or `onBodySent` for streamed bodies).
 */
export function bufferedExchange(options: BufferedExchangeOptions): Promise<BufferedExchangeResult> {
  const { cancellation, maxBytes, tracker } = options;
  return new Promise<BufferedExchangeResult>((resolve, reject) => {
    let abortExchange: ((reason: Error) => void) | undefined;
    let status = 0;
    let headers: UpstreamHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;

    let detach: (() => void) | undefined;
    const finish = (error: unknown, result?: BufferedExchangeResult): void => {
      if (settled) return;
      settled = true;
      detach?.();
      if (result) resolve(result);
      // Unchanged: classifyUpstreamFailure reads undici's error codes, and an abort reason may be the call's Symbol.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      else reject(error);
    };
    /** Ends the exchange with `error` (undici calls onError with it, which settles the promise). */
    const refuse = (error: Error): false => {
      abortExchange?.(error);
      return false;
    };

    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort: (reason?: Error) => void) {
        abortExchange = abort;
        if (cancellation.aborted) abort(cancellation.reason as Error);
      },
      onRequestSent() {
        tracker.sent = true;
      },
      onBodySent() {
        tracker.sent = true;
      },
      onHeaders(statusCode: number, rawHeaders: Buffer[]) {
        // Informational answers (103 Early Hints) precede the real one.
        if (statusCode < 200) return true;
        options.onHeaders();
        status = statusCode;
        headers = util.parseHeaders(rawHeaders);
        if (statusCode >= 300 && statusCode < 400) return refuse(new UpstreamMalformedError('redirect'));
        if (Number(headers['content-length']) > maxBytes) return refuse(new UpstreamResponseTooLargeError());
        return true;
      },
      onData(chunk: Buffer) {
        size += chunk.length;
        if (size > maxBytes) return refuse(new UpstreamResponseTooLargeError());
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        finish(undefined, { status, headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) });
      },
      onError(error: Error) {
        finish(error);
      },
    } as Dispatcher.DispatchHandler;

    try {
      detach = cancellation.onAbort((reason) => abortExchange?.(reason as Error));
      options.pool.dispatch(options.request, handler);
    } catch (error) {
      finish(error);
    }
  });
}
