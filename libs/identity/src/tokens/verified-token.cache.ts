import { hash } from 'node:crypto';
import type { Principal } from '@infergate/contracts';

/** What a successful verification established, kept so that the next request skips the cryptography. */
export interface VerifiedToken {
  principal: Principal;
  /** Seconds since the epoch; the entry is never served at or after it. */
  expiresAt: number;
  /** The revocation query inputs, checked again on every request. */
  jti?: string;
  issuedAt?: number;
}

export interface VerifiedTokenCacheOptions {
  maxEntries?: number;
  now?: () => number;
}

/**
 * Bounded, least-recently-used map from a token's SHA-256 to what verifying it established. Entries
 * never outlive the token's `exp`; revocation and certificate binding are not cached (the caller
 * checks them on every hit).
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: VerifiedTokenCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  static keyOf(token: string): string {
    // One-shot digest: no Hash object per request.
    return hash('sha256', token, 'base64url');
  }

  get(key: string): VerifiedToken | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt * 1000 <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-inserting keeps the Map's iteration order as recency order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: VerifiedToken): void {
    if (entry.expiresAt * 1000 <= this.now()) return;
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
  }

  /** Forgets every entry, e.g. when the trusted issuers change. */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
