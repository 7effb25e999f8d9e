import type { JWK } from 'jose';

/** The public half of the gateway's own signing keys, as the JWKS endpoint publishes them. */
export interface LocalKeySet {
  /** Every key currently published (pending, active and retired-but-unexpired). */
  publicJwks(): Promise<{ keys: JWK[] }>;
}

export const LOCAL_KEY_SET = Symbol('LocalKeySet');
