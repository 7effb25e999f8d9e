/** What a token presented to the gateway is checked against. */
export interface RevocationQuery {
  jti?: string;
  subject: string;
  /** `iat` of the token, seconds since the epoch. */
  issuedAt?: number;
}

/**
 * Shared revocation state. The memory store is exact within one process; the Redis store makes a
 * revocation hold on every replica at once. Entries expire when the tokens they affect would have.
 */
export interface RevocationStore {
  /** Refuse the token with this `jti` until `expiresAt`. */
  revokeToken(jti: string, expiresAt: Date): Promise<void>;
  /** Refuse every token of `subject` issued at or before `issuedBefore`, for `ttlSeconds`. */
  revokeSubject(subject: string, issuedBefore: Date, ttlSeconds: number): Promise<void>;
  isRevoked(query: RevocationQuery): Promise<boolean>;
}

export const REVOCATION_STORE = Symbol('RevocationStore');
