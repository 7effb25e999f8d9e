import { Module } from '@nestjs/common';
import { InvalidTokenException } from '../authentication/authentication.errors';
import { API_KEY_VERIFIER, ApiKeyVerifier } from '../authentication/credential-verifiers';
import { IdentityCoreModule } from '../identity-core.module';

const refuseAll: ApiKeyVerifier = { verify: () => Promise.reject(new InvalidTokenException('unknown_credential')) };

/** API keys for clients that cannot do OAuth. */
@Module({
  imports: [IdentityCoreModule],
  providers: [{ provide: API_KEY_VERIFIER, useValue: refuseAll }],
  exports: [API_KEY_VERIFIER],
})
export class ApiKeysModule {}
