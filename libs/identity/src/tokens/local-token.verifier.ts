import { Inject, Injectable, Optional } from '@nestjs/common';
import { jwtVerify } from 'jose';
import { z } from 'zod';
import { InvalidTokenException } from '../authentication/authentication.errors';
import { ACCESS_TOKEN_TYPE, AccessTokenClaims, principalFromAccessToken } from '../oauth/access-token-claims';
import { LOCAL_KEY_SET, LocalKeySet } from '../oauth/local-key-set';
import { IdpUnavailableError } from './idp-http';
import { JwksCache } from './jwks-cache';
import type { VerifiedToken } from './verified-token.cache';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

/** The algorithms the gateway's own signing keys may use. */
export const LOCAL_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'];

const stringList = z.array(z.string().max(255)).max(1000);

/** Types of the gateway's own claims; jose has already checked exp/iat/nbf are numbers. */
const localClaims = z.object({
  iss: z.string(),
  sub: z.string().min(1).max(255),
  client_id: z.string().min(1).max(255),
  iat: z.number(),
  exp: z.number(),
  jti: z.string().min(1).max(255),
  scope: z.string().max(4096).optional(),
  org_id: z.string().min(1).max(255),
  project_ids: stringList.optional(),
  roles: stringList.optional(),
  clearance: z.string().max(32).optional(),
  regions: stringList.optional(),
  cidrs: stringList.optional(),
  cnf: z.object({ 'x5t#S256': z.string().min(1).max(128) }).optional(),
});

/**
 * Verifies the gateway's own access tokens (RFC 9068: `typ: at+jwt`) against its published keys.
 * Until the OAuth module provides LOCAL_KEY_SET, every such token is refused.
 */
@Injectable()
export class LocalTokenVerifier {
  private readonly keys?: JwksCache;

  constructor(
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
    @Optional() @Inject(LOCAL_KEY_SET) keySet?: LocalKeySet,
  ) {
    if (keySet) {
      // Asked only for an unknown kid or a stale set: read the shared table, not this replica's copy.
      const source = () =>
        keySet.publicJwks({ reload: true }).catch((error: unknown) => {
          throw new IdpUnavailableError('local key set unavailable', { cause: error });
        });
      // Reading our own keys is cheap; a short cooldown lets a freshly published key verify quickly.
      this.keys = new JwksCache(source, { cooldownMs: 5_000, refreshIntervalMs: 60_000 });
    }
  }

  get issuer(): string {
    return this.options.issuer;
  }

  async verify(token: string): Promise<VerifiedToken> {
    if (!this.keys) throw new InvalidTokenException('unknown_key');
    const { issuer, audience, clockSkewSeconds } = this.options;
    const { payload } = await jwtVerify(token, this.keys.getKey, {
      algorithms: LOCAL_ALGORITHMS,
      typ: ACCESS_TOKEN_TYPE,
      issuer,
      audience,
      clockTolerance: clockSkewSeconds,
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', 'org_id'],
    });
    const parsed = localClaims.safeParse(payload);
    if (!parsed.success) throw new InvalidTokenException('invalid_claim');
    const claims = parsed.data;
    if (claims.iat > Date.now() / 1000 + clockSkewSeconds) throw new InvalidTokenException('not_yet_valid');
    const principal = principalFromAccessToken({
      ...claims,
      aud: audience,
      scope: claims.scope ?? '',
      project_ids: claims.project_ids ?? [],
      roles: claims.roles ?? [],
      clearance: (claims.clearance ?? 'public') as AccessTokenClaims['clearance'],
      regions: claims.regions ?? [],
      cidrs: claims.cidrs ?? [],
    });
    return { principal, expiresAt: claims.exp, jti: claims.jti, issuedAt: claims.iat };
  }
}
