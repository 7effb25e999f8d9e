import { Module } from '@nestjs/common';
import { API_KEY_VERIFIER } from '../authentication/credential-verifiers';
import { IdentityCoreModule } from '../identity-core.module';
import { TenancyDirectoryModule } from '../tenancy/tenancy-directory.module';
import { ApiKeyVerifierService } from './api-key-verifier.service';
import { ApiKeysService } from './api-keys.service';

/** API keys for clients that cannot do OAuth: their service and their verifier (admin API: `adminApi: true`). */
@Module({
  imports: [IdentityCoreModule, TenancyDirectoryModule],
  providers: [ApiKeysService, ApiKeyVerifierService, { provide: API_KEY_VERIFIER, useExisting: ApiKeyVerifierService }],
  exports: [API_KEY_VERIFIER, ApiKeysService, ApiKeyVerifierService],
})
export class ApiKeysModule {}
