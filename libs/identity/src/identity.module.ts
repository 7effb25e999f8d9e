import { DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthenticationGuard } from './authentication/authentication.guard';
import { ApiKeyStrategy } from './authentication/strategies/api-key.strategy';
import { BearerTokenStrategy } from './authentication/strategies/bearer-token.strategy';
import { ClientCertificateStrategy } from './authentication/strategies/client-certificate.strategy';
import { IdentityCoreModule } from './identity-core.module';
import { MtlsModule } from './mtls/mtls.module';
import { OAuthModule } from './oauth/oauth.module';
import { TenancyModule } from './tenancy/tenancy.module';
import { TokensModule } from './tokens/tokens.module';

/**
 * Authentication for the gateway or any Nest app that needs it: the built-in OAuth 2.0 authorization
 * server, external IdP tokens, API keys, mutual TLS and the tenancy directory. Register
 * AuthenticationGuard as the first APP_GUARD.
 */
@Module({})
export class IdentityModule {
  static forRoot(): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      imports: [PassportModule, IdentityCoreModule, TenancyModule, OAuthModule, TokensModule, ApiKeysModule, MtlsModule],
      providers: [ApiKeyStrategy, BearerTokenStrategy, ClientCertificateStrategy, AuthenticationGuard],
      exports: [AuthenticationGuard, IdentityCoreModule, TenancyModule, OAuthModule, TokensModule, ApiKeysModule, MtlsModule],
    };
  }
}
