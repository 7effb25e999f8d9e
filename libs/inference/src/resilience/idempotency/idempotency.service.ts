import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ServiceUnavailableException } from '@infergate/common';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError, InvalidIdempotencyKeyError } from './idempotency.errors';
import { IDEMPOTENCY_STORE, type IdempotencyStore, type StoredResponse } from './idempotency.types';
import { INFERENCE_OPTIONS, type InferenceModuleOptions } from '../../inference.options';

/** What an idempotent call produces (an UpstreamResponse fits). */
export interface ReplayableResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The answer of an idempotent call, and whether it came from the store (then only the replayed headers). */
export interface IdempotentResult<R extends ReplayableResponse> {
  response: R | StoredResponse;
  replayed: boolean;
}

export interface IdempotentCall {
  /** The principal's subject id: keys of different callers never meet. */
  subject: string;
  /** The raw Idempotency-Key header value. */
  key: string;
  /** The request body as the client sent it; its SHA-256 detects a reused key. */
  body: Buffer | string;
  /**
   * What else makes two requests "the same", e.g. `POST /v1/models/credit-risk/infer`: the same key
   * and body sent to another model or surface is a reused key (422), never a replay of the other answer.
   */
  scope?: string;
  /** How long the in-flight claim lives; defaults to the total upstream deadline plus 10 s. */
  inFlightTtlMs?: number;
}

/** Headers a replay repeats; everything else is the gateway's own per-response business. */
const REPLAYED_HEADERS = ['content-type', 'content-language'];

/**
 * Idempotency-Key semantics for inference calls (draft-ietf-httpapi-idempotency-key-header):
 * the first request with a key claims it and makes the upstream call; the same key and body within
 * `inference.idempotencyWindowSeconds` gets the stored response (one upstream call in total); the same
 * key with another body is 422. A duplicate that arrives while the first is still in flight is
 * refused with 409 and Retry-After: 1 (the draft's answer; waiting would hold a connection and a
 * bulkhead slot per duplicate). Only answers below 500 (and not 408/429) are stored: after a failure
 * the claim is dropped so the client can retry with the same key.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    @Inject(INFERENCE_OPTIONS) private readonly options: InferenceModuleOptions,
  ) {}

  /** Validates an Idempotency-Key header (1–255 visible ASCII; an RFC 8941 sf-string's quotes are removed). */
  static parseKey(header: string | string[] | undefined): string | undefined {
    if (header === undefined) return undefined;
    if (Array.isArray(header)) throw new InvalidIdempotencyKeyError();
    const key = /^".*"$/.test(header) ? header.slice(1, -1) : header;
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw new InvalidIdempotencyKeyError();
    return key;
  }

  async run<R extends ReplayableResponse>(call: IdempotentCall, upstream: () => Promise<R>): Promise<IdempotentResult<R>> {
    const key = createHash('sha256').update(call.subject).update('\0').update(call.key).digest('hex');
    const digest = createHash('sha256')
      .update(call.scope ?? '')
      .update('\0')
      .update(call.body)
      .digest('hex');
    const inFlightTtlMs = call.inFlightTtlMs ?? this.options.totalTimeoutMs + 10_000;

    const claim = await this.store.claim(key, digest, inFlightTtlMs).catch((error: unknown) => this.unavailable(error));
    if (claim.kind !== 'claimed') {
      if (claim.digest !== digest) throw new IdempotencyKeyReusedError();
      if (claim.kind === 'in-flight') throw new IdempotencyKeyInFlightError();
      return { response: claim.response, replayed: true };
    }

    let response: R;
    try {
      response = await upstream();
    } catch (error) {
      await this.store.release(key).catch(() => undefined);
      throw error;
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      await this.store.release(key).catch(() => undefined);
    } else {
      const stored: StoredResponse = { status: response.status, headers: pick(response.headers), body: response.body };
      await this.store.complete(key, digest, stored, this.options.idempotencyWindowSeconds).catch((error: unknown) => {
        // The answer is good; only its replay is lost. The claim expires with its TTL.
        this.logger.warn({ event: 'idempotency.store_failed', code: errorCode(error) }, 'idempotent response not stored');
      });
    }
    return { response, replayed: false };
  }

  private unavailable(error: unknown): never {
    this.logger.warn({ event: 'idempotency.store_unavailable', code: errorCode(error) }, 'idempotency store not reachable');
    throw new ServiceUnavailableException('Idempotent requests are temporarily unavailable. Retry later.', 1);
  }
}

function pick(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') kept[name] = value;
  }
  return kept;
}

function errorCode(error: unknown): string {
  return (error as { code?: string }).code ?? (error as Error).name ?? 'unknown';
}
