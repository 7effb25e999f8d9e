import { Inject, Injectable, Optional } from '@nestjs/common';
import { jwtVerify } from 'jose';
import { InvalidTokenException } from '../authentication/authentication.errors';
import { ACCESS_TOKEN_TYPE, AccessTokenClaims, principalFromAccessToken } from '../oauth/access-token-claims';
import { LOCAL_KEY_SET, LocalKeySet } from '../oauth/local-key-set';
import { IdpUnavailableError } from './idp-http';
import { JwksCache } from './jwks-cache';
import type { VerifiedToken } from './verified-token.cache';
import { IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';

/** The algorithms the gateway's own signing keys may use. */
export const LOCAL_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'];

/** A string of 1..max characters (0..max when `min` is 0). */
function isText(value: unknown, max: number, min = 1): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

/** Absent, or an array of at most 1000 strings of at most 255 characters. */
function isOptionalList(value: unknown): value is string[] | undefined {
  if (value === undefined) return true;
  if (!Array.isArray(value) || value.length > 1000) return false;
  for (const item of value) if (!isText(item, 255, 0)) return false;
  return true;
}

/**
 * Types of the gateway's own claims (jose has already checked exp/iat/nbf are numbers and that the
 * required claims are present). Plain typeof checks: this runs on every locally issued token that
 * misses the verified-token cache, where any validation library would cost more than the check.
 */
export function readLocalClaims(payload: Record<string, unknown>, audience: string): AccessTokenClaims | undefined {
  const { iss, sub, client_id, iat, exp, jti, scope, org_id, project_ids, roles, clearance, regions, cidrs, cnf } = payload;
  if (typeof iss !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return undefined;
  if (!isText(sub, 255) || !isText(client_id, 255) || !isText(jti, 255) || !isText(org_id, 255)) return undefined;
  if (scope !== undefined && !isText(scope, 4096, 0)) return undefined;
  if (clearance !== undefined && !isText(clearance, 32, 0)) return undefined;
  if (!isOptionalList(project_ids) || !isOptionalList(roles) || !isOptionalList(regions) || !isOptionalList(cidrs)) return undefined;
  let binding: AccessTokenClaims['cnf'];
  if (cnf !== undefined) {
    const thumbprint =
      cnf !== null && typeof cnf === 'object' && !Array.isArray(cnf) ? (cnf as Record<string, unknown>)['x5t#S256'] : undefined;
    if (!isText(thumbprint, 128)) return undefined;
    binding = { 'x5t#S256': thumbprint };
  }
  return {
    iss,
    aud: audience,
    sub,
    client_id,
    iat,
    exp,
    jti,
    scope: scope ?? '',
    org_id,
    project_ids: project_ids ?? [],
    roles: roles ?? [],
    clearance: (clearance ?? 'public') as AccessTokenClaims['clearance'],
    regions: regions ?? [],
    cidrs: cidrs ?? [],
    ...(binding ? { cnf: binding } : {}),
  };
}

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
    const claims = readLocalClaims(payload, audience);
    if (!claims) throw new InvalidTokenException('invalid_claim');
    if (claims.iat > Date.now() / 1000 + clockSkewSeconds) throw new InvalidTokenException('not_yet_valid');
    const principal = principalFromAccessToken(claims);
    return { principal, expiresAt: claims.exp, jti: claims.jti, issuedAt: claims.iat };
  }
}
