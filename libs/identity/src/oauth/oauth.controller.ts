import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '@infergate/common';
import { AuthorizationServerService, IntrospectionResponse, TokenResponse } from './authorization-server.service';

/** The token, revocation and introspection endpoints (form-encoded, authenticated by client credentials). */
@Public()
@ApiTags('oauth')
@ApiConsumes('application/x-www-form-urlencoded')
@Controller('oauth')
export class OAuthController {
  constructor(private readonly server: AuthorizationServerService) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  token(@Req() request: FastifyRequest): Promise<TokenResponse> {
    return this.server.token(request);
  }

  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  revoke(@Req() request: FastifyRequest): Promise<void> {
    return this.server.revoke(request);
  }

  @Post('introspect')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  introspect(@Req() request: FastifyRequest): Promise<IntrospectionResponse> {
    return this.server.introspect(request);
  }
}
