import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthenticationGuard } from './authentication/authentication.guard';
import { CredentialStrategyRegistry } from './authentication/credential-strategy.registry';
import { ApiKeyStrategy, BearerTokenStrategy, ClientCertificateStrategy } from './authentication/strategies';
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
      imports: [DiscoveryModule, IdentityCoreModule, TenancyModule, OAuthModule, TokensModule, ApiKeysModule, MtlsModule],
      providers: [BearerTokenStrategy, ApiKeyStrategy, ClientCertificateStrategy, CredentialStrategyRegistry, AuthenticationGuard],
      exports: [
        AuthenticationGuard,
        CredentialStrategyRegistry,
        IdentityCoreModule,
        TenancyModule,
        OAuthModule,
        TokensModule,
        ApiKeysModule,
        MtlsModule,
      ],
    };
  }
}
