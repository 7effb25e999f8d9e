import { Injectable } from '@nestjs/common';
import { jwtVerify, type JWTPayload } from 'jose';
import { InvalidTokenException } from '../authentication/authentication.errors';
import { mapExternalClaims } from './external-claims';
import { ExternalPrincipalFactory } from './external-principal.factory';
import type { TrustedIssuerEntity } from './trusted-issuer.entity';
import type { TrustedIssuerHandle } from './trusted-issuer.registry';
import type { VerifiedToken } from './verified-token.cache';

/** Algorithms an external issuer may be configured with; HMAC and `none` are never among them. */
export const EXTERNAL_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] as const;
export type ExternalAlgorithm = (typeof EXTERNAL_ALGORITHMS)[number];

export const MAX_EXTERNAL_SKEW_SECONDS = 60;

/** Header `typ` values that mean "an access token" across Keycloak, Okta, Entra ID and RFC 9068. */
const ACCESS_TOKEN_TYPES = new Set(['jwt', 'at+jwt', 'application/at+jwt']);

/** The algorithms actually allowed for an issuer: its configured list, filtered to the safe set. */
export function allowedAlgorithms(issuer: TrustedIssuerEntity): string[] {
  return (issuer.algorithms ?? []).filter((alg) => (EXTERNAL_ALGORITHMS as readonly string[]).includes(alg));
}

export function skewOf(issuer: TrustedIssuerEntity): number {
  const skew = Number.isInteger(issuer.clockSkewSeconds) ? issuer.clockSkewSeconds : 0;
  return Math.min(Math.max(skew, 0), MAX_EXTERNAL_SKEW_SECONDS);
}

/** Verifies a JWT from a trusted external identity provider against that provider's keys and settings. */
@Injectable()
export class ExternalTokenVerifier {
  constructor(private readonly principals: ExternalPrincipalFactory) {}

  async verify(token: string, handle: TrustedIssuerHandle): Promise<VerifiedToken> {
    const issuer = handle.entity;
    const algorithms = allowedAlgorithms(issuer);
    if (algorithms.length === 0) throw new InvalidTokenException('alg_not_allowed');
    const skew = skewOf(issuer);
    const { payload, protectedHeader } = await jwtVerify(token, handle.keys.getKey, {
      algorithms,
      issuer: issuer.issuer,
      audience: issuer.audience,
      clockTolerance: skew,
      requiredClaims: ['exp'],
    });
    if (protectedHeader.typ !== undefined && !ACCESS_TOKEN_TYPES.has(protectedHeader.typ.toLowerCase()))
      throw new InvalidTokenException('wrong_type');
    return verifiedFromClaims(payload, issuer, skew, this.principals);
  }
}

/**
 * Checks what jose does not (types of `sub`/`jti`, `iat` in the future, Keycloak's ID/refresh token
 * types, certificate binding shape) and builds the principal. Shared with introspection.
 */
export async function verifiedFromClaims(
  payload: JWTPayload,
  issuer: TrustedIssuerEntity,
  skew: number,
  principals: ExternalPrincipalFactory,
): Promise<VerifiedToken> {
  const claims = payload as Record<string, unknown>;
  if (claims.sub !== undefined && typeof claims.sub !== 'string') throw new InvalidTokenException('invalid_claim');
  if (claims.jti !== undefined && (typeof claims.jti !== 'string' || claims.jti.length > 255))
    throw new InvalidTokenException('invalid_claim');
  if (claims.exp !== undefined && typeof claims.exp !== 'number') throw new InvalidTokenException('invalid_claim');
  if (claims.iat !== undefined && typeof claims.iat !== 'number') throw new InvalidTokenException('invalid_claim');
  if (typeof claims.iat === 'number' && claims.iat > Date.now() / 1000 + skew) throw new InvalidTokenException('not_yet_valid');
  // Keycloak marks its tokens in the payload; only its access tokens ("Bearer") are credentials here.
  if (typeof claims.typ === 'string' && claims.typ.toLowerCase() !== 'bearer') throw new InvalidTokenException('wrong_type');
  const thumbprint = certificateBinding(claims.cnf);

  const mapped = mapExternalClaims(payload, issuer.claimMapping ?? {}, issuer.audience);
  if (!mapped) throw new InvalidTokenException('missing_claim');
  const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
  const jti = typeof claims.jti === 'string' ? claims.jti : undefined;
  const principal = await principals.build(mapped, issuer, exp, jti);
  if (thumbprint) principal.certificateThumbprint = thumbprint;
  return { principal, expiresAt: exp ?? 0, jti, issuedAt: typeof claims.iat === 'number' ? claims.iat : undefined };
}

function certificateBinding(cnf: unknown): string | undefined {
  if (cnf === undefined) return undefined;
  if (typeof cnf !== 'object' || cnf === null) throw new InvalidTokenException('invalid_claim');
  const thumbprint = (cnf as Record<string, unknown>)['x5t#S256'];
  if (thumbprint === undefined) return undefined;
  if (typeof thumbprint !== 'string' || thumbprint.length === 0) throw new InvalidTokenException('invalid_claim');
  return thumbprint;
}
