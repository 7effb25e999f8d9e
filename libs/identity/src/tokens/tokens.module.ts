import { Module } from '@nestjs/common';
import { ACCESS_TOKEN_VERIFIER } from '../authentication/credential-verifiers';
import { IdentityCoreModule } from '../identity-core.module';
import { OAuthModule } from '../oauth/oauth.module';
import { AccessTokenVerifierService } from './access-token-verifier.service';
import { ExternalPrincipalFactory } from './external-principal.factory';
import { ExternalTokenVerifier } from './external-token.verifier';
import { LocalTokenVerifier } from './local-token.verifier';
import { TokenIntrospector } from './token-introspector';
import { TrustedIssuerRegistry } from './trusted-issuer.registry';
import { TrustedIssuersService } from './trusted-issuers.service';

/**
 * Verification of bearer tokens (the gateway's own, trusted external IdPs', opaque ones by
 * introspection) and the trusted-issuer registry (its admin API: `IdentityModule.forRoot({ adminApi: true })`).
 */
@Module({
  imports: [IdentityCoreModule, OAuthModule],
  providers: [
    LocalTokenVerifier,
    TrustedIssuerRegistry,
    ExternalPrincipalFactory,
    ExternalTokenVerifier,
    TokenIntrospector,
    AccessTokenVerifierService,
    { provide: ACCESS_TOKEN_VERIFIER, useExisting: AccessTokenVerifierService },
    TrustedIssuersService,
  ],
  exports: [ACCESS_TOKEN_VERIFIER, AccessTokenVerifierService, TrustedIssuersService, TrustedIssuerRegistry],
})
export class TokensModule {}
