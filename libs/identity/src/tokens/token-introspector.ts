import { Injectable, Logger } from '@nestjs/common';
import { InvalidTokenException } from '../authentication/authentication.errors';
import { ExternalPrincipalFactory } from './external-principal.factory';
import { skewOf, verifiedFromClaims } from './external-token.verifier';
import { fetchIdpJson, IdpUnavailableError } from './idp-http';
import { TrustedIssuerHandle, TrustedIssuerRegistry } from './trusted-issuer.registry';
import type { VerifiedToken } from './verified-token.cache';

/** An introspected token is trusted from cache at most this long (and never past its `exp`). */
export const INTROSPECTION_CACHE_SECONDS = 60;

/**
 * Opaque tokens: RFC 7662 introspection at each active issuer that has an introspection endpoint,
 * authenticated with client_secret_basic. An `active: true` answer is accepted only when its issuer
 * and audience are the configured ones.
 */
@Injectable()
export class TokenIntrospector {
  private readonly logger = new Logger(TokenIntrospector.name);

  constructor(
    private readonly registry: TrustedIssuerRegistry,
    private readonly principals: ExternalPrincipalFactory,
  ) {}

  async verify(token: string): Promise<VerifiedToken> {
    const handles = await this.registry.withIntrospection();
    if (handles.length === 0) throw new InvalidTokenException('unknown_issuer');
    let unavailable = false;
    for (const handle of handles) {
      let answer: Record<string, unknown>;
      try {
        answer = await this.introspect(handle, token);
      } catch (error) {
        unavailable = true;
        this.logger.warn({ event: 'identity.introspection_failed', issuer: handle.entity.issuer, err: error }, 'introspection failed');
        continue;
      }
      if (answer.active !== true) continue;
      return this.accept(answer, handle);
    }
    throw new InvalidTokenException(unavailable ? 'issuer_unavailable' : 'introspection_inactive');
  }

  private async introspect(handle: TrustedIssuerHandle, token: string): Promise<Record<string, unknown>> {
    const endpoint = await handle.introspectionEndpoint();
    const credentials = handle.introspectionCredentials();
    if (!endpoint || !credentials) throw new IdpUnavailableError('introspection is not configured');
    // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined and base64-encoded.
    const basic = Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`).toString(
      'base64',
    );
    const answer = await fetchIdpJson(endpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
    });
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer))
      throw new IdpUnavailableError('introspection answer is not an object');
    return answer as Record<string, unknown>;
  }

  private async accept(answer: Record<string, unknown>, handle: TrustedIssuerHandle): Promise<VerifiedToken> {
    const issuer = handle.entity;
    const skew = skewOf(issuer);
    const now = Date.now() / 1000;
    if (answer.iss !== undefined && answer.iss !== issuer.issuer) throw new InvalidTokenException('unknown_issuer');
    const audiences = typeof answer.aud === 'string' ? [answer.aud] : Array.isArray(answer.aud) ? answer.aud : [];
    if (!audiences.includes(issuer.audience)) throw new InvalidTokenException('wrong_audience');
    if (answer.exp !== undefined && (typeof answer.exp !== 'number' || answer.exp + skew <= now))
      throw new InvalidTokenException('expired');
    if (typeof answer.nbf === 'number' && answer.nbf > now + skew) throw new InvalidTokenException('not_yet_valid');
    if (typeof answer.token_type === 'string' && !/^(access_token|bearer)$/i.test(answer.token_type))
      throw new InvalidTokenException('wrong_type');
    const verified = await verifiedFromClaims(answer, issuer, skew, this.principals);
    const exp = typeof answer.exp === 'number' ? answer.exp : Number.POSITIVE_INFINITY;
    return { ...verified, expiresAt: Math.min(exp, Math.floor(now) + INTROSPECTION_CACHE_SECONDS) };
  }
}
