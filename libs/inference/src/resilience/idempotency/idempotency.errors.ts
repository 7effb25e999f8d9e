import { ProblemException } from '@infergate/common';

/** The same Idempotency-Key came with a different body (draft-ietf-httpapi-idempotency-key-header §2.7): 422. */
export class IdempotencyKeyReusedError extends ProblemException {
  constructor() {
    super({
      status: 422,
      slug: 'idempotency-key-reused',
      title: 'Unprocessable Content',
      detail: 'This Idempotency-Key was already used with a different request body.',
    });
  }
}

/** A request with this key is still being processed (the draft's 409): retry shortly to get its response. */
export class IdempotencyKeyInFlightError extends ProblemException {
  constructor() {
    super({
      status: 409,
      slug: 'idempotency-key-in-flight',
      title: 'Conflict',
      detail: 'A request with this Idempotency-Key is still being processed. Retry after 1 s.',
      headers: { 'Retry-After': '1' },
    });
  }
}

/** The Idempotency-Key header is empty, too long or not visible ASCII: 400. */
export class InvalidIdempotencyKeyError extends ProblemException {
  constructor() {
    super({
      status: 400,
      slug: 'invalid-idempotency-key',
      title: 'Bad Request',
      detail: 'The Idempotency-Key header must be 1 to 255 visible ASCII characters.',
    });
  }
}
