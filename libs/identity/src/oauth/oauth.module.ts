import { Module } from '@nestjs/common';
import { IdentityCoreModule } from '../identity-core.module';

/** The built-in OAuth 2.0 authorization server. */
@Module({ imports: [IdentityCoreModule] })
export class OAuthModule {}
