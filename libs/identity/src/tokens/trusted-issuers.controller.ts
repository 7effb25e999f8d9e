import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ZodValidationPipe } from '@infergate/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../authentication/current-principal.decorator';
import { RequireScopes } from '../authentication/scopes.decorator';
import type { Principal } from '../principal';
import {
  createTrustedIssuerSchema,
  type CreateTrustedIssuerInput,
  type TrustedIssuerResponse,
  updateTrustedIssuerSchema,
  type UpdateTrustedIssuerInput,
} from './trusted-issuer.dto';
import { TrustedIssuersService } from './trusted-issuers.service';

/** Trusted external identity providers; platform administrators only. */
@ApiTags('admin')
@ApiBearerAuth()
@RequireScopes('admin')
@Controller('v1/admin/issuers')
export class TrustedIssuersController {
  constructor(private readonly issuers: TrustedIssuersService) {}

  @Post()
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(createTrustedIssuerSchema)) body: CreateTrustedIssuerInput,
  ): Promise<TrustedIssuerResponse> {
    return this.issuers.create(principal, body);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal): Promise<TrustedIssuerResponse[]> {
    return this.issuers.list(principal);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TrustedIssuerResponse> {
    return this.issuers.get(principal, id);
  }

  @Patch(':id')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(updateTrustedIssuerSchema)) body: UpdateTrustedIssuerInput,
  ): Promise<TrustedIssuerResponse> {
    return this.issuers.update(principal, id, body);
  }

  @Post(':id/disable')
  @HttpCode(200)
  disable(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TrustedIssuerResponse> {
    return this.issuers.setStatus(principal, id, 'disabled');
  }

  @Post(':id/enable')
  @HttpCode(200)
  enable(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TrustedIssuerResponse> {
    return this.issuers.setStatus(principal, id, 'active');
  }
}
