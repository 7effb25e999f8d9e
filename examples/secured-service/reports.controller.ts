import { Controller, Get, Param } from '@nestjs/common';
import { CheckPolicies } from '@infergate/common';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { OrganizationReport, ReportsService } from './reports.service';

/** Authenticated by the AuthenticationGuard, checked on the type by the PoliciesGuard, on the instance by the service. */
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get(':orgId')
  @CheckPolicies('read', 'Organization')
  get(@CurrentPrincipal() principal: Principal, @Param('orgId') orgId: string): Promise<OrganizationReport> {
    return this.reports.forOrganization(principal, orgId);
  }
}
