import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { IdempotencyService, type ReplayableResponse } from '../resilience/idempotency/idempotency.service';
import type { StoredResponse } from '../resilience/idempotency/idempotency.types';
import { JSON_TYPE } from '../surfaces/answer';
import { callContextOf } from '../surfaces/call-context';
import type { CallContext } from '../surfaces/inference.types';

const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': JSON_TYPE };

/**
 * Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) on inference calls, over
 * IdempotencyService: the first request with a key claims it and its answer is stored; the same key
 * and body within the window gets the stored bytes again with `Idempotent-Replayed: true` (one
 * backend call in total); another body is 422, a duplicate still in flight 409, an unreachable store
 * 503; a failure releases the key. Streams (`stream: true`) are not idempotent: the key is only
 * checked for syntax.
 *
 * The claim is made before the handler, but a replay still goes through it: the service resolves the
 * version (a caller who lost access gets its 404, not the old answer), checks the contract, charges the
 * quota and only then returns `replay` instead of calling the backend; audit, metrics and Deprecation
 * headers see the version as for a fresh call.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const call = callContextOf(context);
    const request = call.request;
    const key = IdempotencyService.parseKey(request.headers['idempotency-key']);
    if (key === undefined || isStreamRequest(call)) return next.handle();
    const body = request.body;
    return from(
      this.idempotency
        .run({ subject: call.principal.subject, key, body: JSON.stringify(body) }, () => this.fresh(call, next))
        .then((result) =>
          result.replayed ? this.replay(call, result.response as StoredResponse, next) : this.send(call, result.response),
        ),
    );
  }

  /** The first call under the key: the backend may retry after sending; the answer is serialized once, to be stored and sent. */
  private async fresh(call: CallContext, next: CallHandler): Promise<ReplayableResponse> {
    call.idempotent = true;
    const value: unknown = await lastValueFrom(next.handle());
    if (typeof value !== 'object' || value === null || Buffer.isBuffer(value) || typeof (value as { pipe?: unknown }).pipe === 'function') {
      throw new TypeError('an idempotent answer must be a JSON value');
    }
    return { status: call.reply.statusCode, headers: JSON_HEADERS, body: Buffer.from(JSON.stringify(value)) };
  }

  private send(call: CallContext, response: ReplayableResponse): Buffer {
    void call.reply.header('content-type', JSON_TYPE);
    return response.body;
  }

  /** The handler runs (resolution, contract, quota) and returns `replay.body`; the headers are set only then, not on its errors. */
  private async replay(call: CallContext, stored: StoredResponse, next: CallHandler): Promise<unknown> {
    call.replay = stored;
    const body: unknown = await lastValueFrom(next.handle());
    void call.reply.status(stored.status).headers(stored.headers).header('idempotent-replayed', 'true');
    return body;
  }
}

/** `stream: true` on the OpenAI surface: an SSE answer cannot be stored. */
function isStreamRequest(call: CallContext): boolean {
  if (call.surface !== 'openai') return false;
  const body = call.request.body;
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).stream === true;
}
