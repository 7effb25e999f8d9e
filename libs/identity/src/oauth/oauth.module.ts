import { FactoryProvider, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '@infergate/database';
import { IdentityCoreModule } from '../identity-core.module';
import { MtlsModule } from '../mtls/mtls.module';
import {
  ASSERTION_REPLAY_CACHE,
  AssertionReplayCache,
  MemoryAssertionReplayCache,
  RedisAssertionReplayCache,
} from './assertion-replay-cache';
import { AuthorizationServerService } from './authorization-server.service';
import { ClientAuthenticatorService } from './client-authenticator.service';
import { LocalAccessTokenVerifier } from './local-access-token.verifier';
import { LOCAL_KEY_SET } from './local-key-set';
import { SigningKeysService } from './signing-keys.service';
import { TokenIssuerService } from './token-issuer.service';

const replayCacheProvider: FactoryProvider<AssertionReplayCache> = {
  provide: ASSERTION_REPLAY_CACHE,
  inject: [REDIS_KEY_PREFIX, REDIS_CLIENT],
  useFactory: (keyPrefix: string, redis: Redis | null) =>
    redis ? new RedisAssertionReplayCache(redis, keyPrefix) : new MemoryAssertionReplayCache(),
};

/**
 * The built-in OAuth 2.0 authorization server: client credentials grant, RFC 9068 access tokens,
 * rotating signing keys, JWKS and RFC 8414 metadata, RFC 7009 revocation, RFC 7662 introspection.
 * Its HTTP endpoints are mounted by `IdentityModule.forRoot({ oauthServer: true })`.
 */
@Module({
  imports: [IdentityCoreModule, MtlsModule],
  providers: [
    SigningKeysService,
    { provide: LOCAL_KEY_SET, useExisting: SigningKeysService },
    replayCacheProvider,
    ClientAuthenticatorService,
    TokenIssuerService,
    LocalAccessTokenVerifier,
    AuthorizationServerService,
  ],
  exports: [
    LOCAL_KEY_SET,
    AuthorizationServerService,
    SigningKeysService,
    ClientAuthenticatorService,
    TokenIssuerService,
    LocalAccessTokenVerifier,
  ],
})
export class OAuthModule {}
