import { Module } from '@nestjs/common';
import { API_KEY_VERIFIER } from '../authentication/credential-verifiers';
import { IdentityCoreModule } from '../identity-core.module';
import { TenancyDirectoryModule } from '../tenancy/tenancy-directory.module';
import { ApiKeyVerifierService } from './api-key-verifier.service';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';

/** API keys for clients that cannot do OAuth: their admin API and their verifier. */
@Module({
  imports: [IdentityCoreModule, TenancyDirectoryModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeyVerifierService, { provide: API_KEY_VERIFIER, useExisting: ApiKeyVerifierService }],
  exports: [API_KEY_VERIFIER, ApiKeysService, ApiKeyVerifierService],
})
export class ApiKeysModule {}
