import type { JWK } from 'jose';

/** The public half of the gateway's own signing keys, as the JWKS endpoint publishes them. */
export interface LocalKeySet {
  /**
   * Every key currently published (pending, active and retired-but-unexpired). `reload` reads the
   * shared key table instead of this replica's copy: a verifier asks for it when a token names a kid
   * it does not know (another replica may have just created that key), at most once per cooldown.
   */
  publicJwks(options?: { reload?: boolean }): Promise<{ keys: JWK[] }>;
  /**
   * The published key with this `kid`, or undefined. An unknown kid reloads the shared key table
   * (another replica may have rotated) at most once per few seconds.
   */
  findPublicKey?(kid: string): Promise<JWK | undefined>;
}

export const LOCAL_KEY_SET = Symbol('LocalKeySet');
