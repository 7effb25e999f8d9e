import { Module } from '@nestjs/common';
import { InvalidTokenException } from '../authentication/authentication.errors';
import { ACCESS_TOKEN_VERIFIER, AccessTokenVerifier } from '../authentication/credential-verifiers';
import { IdentityCoreModule } from '../identity-core.module';

const refuseAll: AccessTokenVerifier = { verify: () => Promise.reject(new InvalidTokenException('unknown_issuer')) };

/** Verification of bearer tokens: the gateway's own, external IdPs', opaque ones by introspection. */
@Module({
  imports: [IdentityCoreModule],
  providers: [{ provide: ACCESS_TOKEN_VERIFIER, useValue: refuseAll }],
  exports: [ACCESS_TOKEN_VERIFIER],
})
export class TokensModule {}
