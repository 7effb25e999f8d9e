import { createLocalJWKSet, errors, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';
import { IdpUnavailableError } from './idp-http';

export interface JwksCacheOptions {
  /** After a fetch (successful or not), no fetch for an unknown `kid` happens before this has passed. */
  cooldownMs?: number;
  /** The set is refreshed in the background once it is older than this. */
  refreshIntervalMs?: number;
  now?: () => number;
}

/** Where a key set comes from: an IdP's jwks_uri, or the gateway's own published keys. */
export type JwksSource = () => Promise<JSONWebKeySet>;

export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
export const DEFAULT_JWKS_REFRESH_MS = 10 * 60_000;

/**
 * One issuer's verification keys, kept in memory. Fetched on first use; refreshed when a token names
 * an unknown `kid`, at most once per cooldown and single-flight (a flood of random `kid`s costs one
 * fetch); refreshed in the background when old; and served from cache while the source is down.
 * Nothing named by a token (jku, x5u, jwk, x5c) is ever consulted: keys come from the source only.
 */
export class JwksCache {
  private resolver?: JWTVerifyGetKey;
  private kids = new Set<string>();
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastSuccessAt = Number.NEGATIVE_INFINITY;
  private inFlight?: Promise<void>;
  private readonly cooldownMs: number;
  private readonly refreshIntervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly source: JwksSource,
    options: JwksCacheOptions = {},
  ) {
    this.cooldownMs = options.cooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS;
    this.refreshIntervalMs = options.refreshIntervalMs ?? DEFAULT_JWKS_REFRESH_MS;
    this.now = options.now ?? Date.now;
  }

  /** The key resolver to hand to jose's jwtVerify. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    if (!this.resolver) {
      await this.refresh(true);
    } else if (header.kid !== undefined && !this.kids.has(header.kid)) {
      await this.refresh(false).catch(() => undefined);
    } else if (this.now() - this.lastSuccessAt > this.refreshIntervalMs) {
      this.refresh(false).catch(() => undefined);
    }
    if (!this.resolver) throw new errors.JWKSNoMatchingKey();
    return this.resolver(header, token);
  };

  /** Drops nothing: a failed refresh keeps the keys already held. */
  private refresh(initial: boolean): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const elapsed = this.now() - this.lastAttemptAt;
    if (elapsed < this.cooldownMs) {
      return initial ? Promise.reject(new IdpUnavailableError('key set not loaded; retrying after the cooldown')) : Promise.resolve();
    }
    this.lastAttemptAt = this.now();
    this.inFlight = this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async load(): Promise<void> {
    const jwks = await this.source();
    if (!jwks || !Array.isArray(jwks.keys)) throw new errors.JWKSInvalid('not a JSON Web Key Set');
    const keys = jwks.keys.filter(isUsablePublicKey);
    this.resolver = createLocalJWKSet({ keys });
    this.kids = new Set(keys.map((key) => key.kid).filter((kid): kid is string => typeof kid === 'string'));
    this.lastSuccessAt = this.now();
  }

  /** Kids currently held (for diagnostics and tests). */
  knownKids(): string[] {
    return [...this.kids];
  }
}

const SYMMETRIC_OR_PRIVATE = ['k', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/** Only public asymmetric signature keys are ever used; a published `oct` or private key is ignored. */
function isUsablePublicKey(key: JWK): boolean {
  if (typeof key !== 'object' || key === null) return false;
  if (key.kty !== 'RSA' && key.kty !== 'EC' && key.kty !== 'OKP') return false;
  if (key.use !== undefined && key.use !== 'sig') return false;
  return SYMMETRIC_OR_PRIVATE.every((member) => !(member in key));
}
