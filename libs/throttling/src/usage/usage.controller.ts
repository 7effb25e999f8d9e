import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, RequestValidationException } from '@infergate/common';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { UsageService, type UsageReport } from './usage.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('usage')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('v1/usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @CheckPolicies('read', 'Usage')
  @ApiOperation({ summary: "The caller's plan, quota consumption (day, month) and limits; `orgId` for an organization's (admins)." })
  @ApiQuery({ name: 'orgId', required: false })
  get(@CurrentPrincipal() principal: Principal, @Query('orgId') orgId?: string): Promise<UsageReport> {
    if (orgId === undefined) return this.usage.own(principal);
    if (typeof orgId !== 'string' || !UUID.test(orgId)) throw RequestValidationException.at('/orgId', 'must be an organization id (UUID)');
    return this.usage.ofOrganization(principal, orgId);
  }
}
