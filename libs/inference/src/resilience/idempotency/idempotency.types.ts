/** A response kept under an Idempotency-Key and replayed byte for byte. */
export interface StoredResponse {
  status: number;
  /** The headers worth replaying (content type and language), lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
}

/** What `claim` found under a key. */
export type IdempotencyClaim =
  { kind: 'claimed' } | { kind: 'in-flight'; digest: string } | { kind: 'completed'; digest: string; response: StoredResponse };

/**
 * Storage of idempotent responses, shared by the replicas when Redis is configured. Keys are
 * opaque (already scoped to the principal and hashed); `digest` is the SHA-256 of the request body.
 */
export interface IdempotencyStore {
  /**
   * Atomically claims `key` for a new call (an in-flight marker that expires after `inFlightTtlMs`,
   * so that a crashed replica cannot block the key for the whole window), or reports what is there.
   */
  claim(key: string, digest: string, inFlightTtlMs: number): Promise<IdempotencyClaim>;
  /** Replaces the claim by the final response, kept `ttlSeconds`. */
  complete(key: string, digest: string, response: StoredResponse, ttlSeconds: number): Promise<void>;
  /** Drops an in-flight claim (the call failed, the client may retry with the same key); a stored response stays. */
  release(key: string): Promise<void>;
}

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');
