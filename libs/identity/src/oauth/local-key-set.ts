import type { JWK } from 'jose';

/** The public half of the gateway's own signing keys, as the JWKS endpoint publishes them. */
export interface LocalKeySet {
  /** Every key currently published (pending, active and retired-but-unexpired). */
  publicJwks(): Promise<{ keys: JWK[] }>;
  /**
   * The published key with this `kid`, or undefined. An unknown kid reloads the shared key table
   * (another replica may have rotated) at most once per few seconds.
   */
  findPublicKey?(kid: string): Promise<JWK | undefined>;
}

export const LOCAL_KEY_SET = Symbol('LocalKeySet');
