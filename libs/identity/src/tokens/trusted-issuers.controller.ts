import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { CheckPolicies } from '@infergate/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { type TrustedIssuerResponse, CreateTrustedIssuerDto, UpdateTrustedIssuerDto } from './trusted-issuer.dto';
import { TrustedIssuersService } from './trusted-issuers.service';

/** Trusted external identity providers; who may see or change them is the policy set's call. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/issuers')
export class TrustedIssuersController {
  constructor(private readonly issuers: TrustedIssuersService) {}

  @Post()
  @CheckPolicies('create', 'TrustedIssuer')
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateTrustedIssuerDto): Promise<TrustedIssuerResponse> {
    return this.issuers.create(principal, body);
  }

  @Get()
  @CheckPolicies('read', 'TrustedIssuer')
  list(@CurrentPrincipal() principal: Principal): Promise<TrustedIssuerResponse[]> {
    return this.issuers.list(principal);
  }

  @Get(':id')
  @CheckPolicies('read', 'TrustedIssuer')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TrustedIssuerResponse> {
    return this.issuers.get(principal, id);
  }

  @Patch(':id')
  @CheckPolicies('update', 'TrustedIssuer')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: UpdateTrustedIssuerDto,
  ): Promise<TrustedIssuerResponse> {
    return this.issuers.update(principal, id, body);
  }

  @Post(':id/disable')
  @CheckPolicies('update', 'TrustedIssuer')
  @HttpCode(200)
  disable(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TrustedIssuerResponse> {
    return this.issuers.setStatus(principal, id, 'disabled');
  }

  @Post(':id/enable')
  @CheckPolicies('update', 'TrustedIssuer')
  @HttpCode(200)
  enable(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TrustedIssuerResponse> {
    return this.issuers.setStatus(principal, id, 'active');
  }
}
