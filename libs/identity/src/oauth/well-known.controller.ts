import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { JWK } from 'jose';
import { Public } from '@infergate/common';
import { AuthorizationServerService } from './authorization-server.service';
import { LOCAL_KEY_SET, LocalKeySet } from './local-key-set';
import { JWKS_MAX_AGE_SECONDS } from './signing-keys.service';

/** Discovery: the signing keys (RFC 7517) and the authorization server metadata (RFC 8414). */
@Public()
@ApiTags('oauth')
@Controller('.well-known')
export class WellKnownController {
  constructor(
    @Inject(LOCAL_KEY_SET) private readonly keys: LocalKeySet,
    private readonly server: AuthorizationServerService,
  ) {}

  @Get('jwks.json')
  @Header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
  jwks(): Promise<{ keys: JWK[] }> {
    return this.keys.publicJwks();
  }

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  metadata(): Record<string, unknown> {
    return this.server.metadata();
  }
}
