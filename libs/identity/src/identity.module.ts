import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { composeLibModule, type OptionsInput } from '@infergate/common';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { DiscoveryModule } from '@nestjs/core';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthenticationGuard } from './authentication/authentication.guard';
import { CredentialStrategyRegistry } from './authentication/credential-strategy.registry';
import { ApiKeyStrategy, BearerTokenStrategy, ClientCertificateStrategy } from './authentication/strategies';
import { IdentityCoreModule } from './identity-core.module';
import { IDENTITY_OPTIONS, IdentityModuleOptions } from './identity.options';
import { MtlsModule } from './mtls/mtls.module';
import { OAuthController } from './oauth/oauth.controller';
import { OAuthModule } from './oauth/oauth.module';
import { WellKnownController } from './oauth/well-known.controller';
import { TenancyDirectoryModule } from './tenancy/tenancy-directory.module';
import { TenancyModule } from './tenancy/tenancy.module';
import { TrustedIssuersController } from './tokens/trusted-issuers.controller';
import { TokensModule } from './tokens/tokens.module';

/** What IdentityModule mounts besides token verification; everything is off unless asked for. */
export interface IdentityModuleExtras {
  /** The built-in authorization server's endpoints: /oauth/token, /oauth/introspect, /oauth/revoke, JWKS, RFC 8414 metadata. */
  oauthServer?: boolean;
  /** The tenancy admin API, API-key and trusted-issuer admin, and the bootstrap admin application. */
  adminApi?: boolean;
}

/** Holds IdentityModule's options (see composeLibModule). */
@Module({})
export class IdentityOptionsHolder {}

const VERIFICATION = [IdentityCoreModule, TenancyDirectoryModule, OAuthModule, TokensModule, ApiKeysModule, MtlsModule];

/** The options as the application passed them (before validation and defaults). */
export const IDENTITY_MODULE_OPTIONS = Symbol('IDENTITY_MODULE_OPTIONS');

export const {
  ConfigurableModuleClass: ConfigurableIdentityModule,
  OPTIONS_TYPE: IDENTITY_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: IDENTITY_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OptionsInput<IdentityModuleOptions>>({
  moduleName: 'Identity',
  optionsInjectionToken: IDENTITY_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<IdentityModuleExtras>({ oauthServer: false, adminApi: false }, (definition, extras): DynamicModule =>
    composeLibModule(definition, {
      holder: IdentityOptionsHolder,
      rawToken: IDENTITY_MODULE_OPTIONS,
      token: IDENTITY_OPTIONS,
      type: IdentityModuleOptions,
      scope: 'identity',
      imports: [DiscoveryModule, ...VERIFICATION, ...(extras.adminApi ? [TenancyModule] : [])],
      controllers: [
        ...(extras.oauthServer ? [OAuthController, WellKnownController] : []),
        ...(extras.adminApi ? [ApiKeysController, TrustedIssuersController] : []),
      ],
      // One passport strategy per credential kind; a team's own strategies are found by discovery.
      providers: [BearerTokenStrategy, ApiKeyStrategy, ClientCertificateStrategy, CredentialStrategyRegistry, AuthenticationGuard],
      exports: [AuthenticationGuard, CredentialStrategyRegistry, ...VERIFICATION],
    }),
  )
  .build();

/**
 * Authentication for the gateway or any Nest app that needs it: bearer tokens (the built-in
 * authorization server's, trusted external IdPs', opaque ones by introspection), API keys, mutual
 * TLS. Register AuthenticationGuard as the first APP_GUARD. Usage:
 * `IdentityModule.forRoot({ issuer, audience, masterKey, oauthServer: true, adminApi: true })`, or
 * forRootAsync({ imports, inject, useFactory }) with the same extras. Needs DatabaseModule, AuditModule
 * and an ACCESS_POLICY (AuthorizationModule) in the application.
 */
@Module({})
export class IdentityModule extends ConfigurableIdentityModule {}
