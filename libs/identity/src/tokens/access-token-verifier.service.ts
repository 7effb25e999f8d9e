import { Injectable, Logger } from '@nestjs/common';
import { InvalidTokenException } from '../authentication/authentication.errors';
import type { AccessTokenVerifier, CredentialContext } from '../authentication/credential-verifiers';
import { MAX_CREDENTIAL_LENGTH } from '../authentication/credentials';
import type { Principal } from '@infergate/contracts';
import { RevocationService } from '../revocation/revocation.service';
import { ExternalTokenVerifier } from './external-token.verifier';
import { LocalTokenVerifier } from './local-token.verifier';
import { toInvalidToken } from './token-errors';
import { TokenIntrospector } from './token-introspector';
import { inspectToken } from './token-shape';
import { TrustedIssuerRegistry } from './trusted-issuer.registry';
import { VerifiedToken, VerifiedTokenCache } from './verified-token.cache';

interface CachedVerification extends VerifiedToken {
  /** Registry generation at verification time; external tokens verified under older settings are re-verified. */
  generation: number;
}

/**
 * ACCESS_TOKEN_VERIFIER: the gateway's own JWTs, trusted external issuers' JWTs, and opaque tokens by
 * introspection. A verified token is cached (bounded, never past `exp`); revocation and certificate
 * binding are checked on every request, cached or not. Every failure is a 401 invalid_token.
 */
@Injectable()
export class AccessTokenVerifierService implements AccessTokenVerifier {
  private readonly logger = new Logger(AccessTokenVerifierService.name);
  readonly cache = new VerifiedTokenCache({ maxEntries: 10_000 });

  constructor(
    private readonly local: LocalTokenVerifier,
    private readonly external: ExternalTokenVerifier,
    private readonly introspector: TokenIntrospector,
    private readonly registry: TrustedIssuerRegistry,
    private readonly revocations: RevocationService,
  ) {}

  async verify(token: string, context: CredentialContext): Promise<Principal> {
    if (token.length > MAX_CREDENTIAL_LENGTH) throw new InvalidTokenException('malformed');
    const key = VerifiedTokenCache.keyOf(token);
    let verified = this.cache.get(key) as CachedVerification | undefined;
    if (verified && !this.stillTrusted(verified)) {
      verified = undefined;
    }
    if (!verified) {
      // Settle the issuer list first, so that the generation recorded is the one verification used.
      await this.registry.ensureCurrent().catch(() => undefined);
      const generation = this.registry.generation;
      try {
        verified = { ...(await this.verifyUncached(token)), generation };
      } catch (error) {
        throw toInvalidToken(error);
      }
      if (generation === this.registry.generation) this.cache.set(key, verified);
    }
    const { principal } = verified;
    if (principal.certificateThumbprint && principal.certificateThumbprint !== context.certificate?.thumbprint) {
      throw new InvalidTokenException('certificate_mismatch');
    }
    await this.assertNotRevoked(verified);
    return { ...principal };
  }

  private async verifyUncached(token: string): Promise<VerifiedToken> {
    const shape = inspectToken(token);
    if (shape.kind === 'opaque') return this.introspector.verify(token);
    const iss = shape.payload.iss;
    if (typeof iss !== 'string' || iss.length === 0) throw new InvalidTokenException(iss === undefined ? 'missing_claim' : 'invalid_claim');
    if (iss === this.local.issuer) return this.local.verify(token);
    const handle = await this.registry.find(iss);
    if (!handle) throw new InvalidTokenException('unknown_issuer');
    return this.external.verify(token, handle);
  }

  private stillTrusted(verified: CachedVerification): boolean {
    const { principal } = verified;
    if (principal.authMethod !== 'external_token') return true;
    return verified.generation === this.registry.generation && principal.issuer !== undefined && this.registry.isActive(principal.issuer);
  }

  private async assertNotRevoked({ principal, jti, issuedAt }: VerifiedToken): Promise<void> {
    let revoked: boolean;
    try {
      revoked = await this.revocations.isRevoked({ jti, subject: principal.subject, issuedAt });
    } catch (error) {
      // Fail closed: a token whose revocation cannot be checked is not accepted.
      this.logger.warn({ event: 'identity.revocation_check_failed', err: error }, 'revocation store unavailable');
      throw new InvalidTokenException('issuer_unavailable');
    }
    if (revoked) throw new InvalidTokenException('revoked');
  }
}
