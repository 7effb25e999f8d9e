import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CheckPolicies, Page } from '@infergate/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { AdminRoute, ApiPaging } from './admin-api.decorators';
import {
  CreateOrganizationDto,
  OrganizationDto,
  OrganizationPageDto,
  UpdateOrganizationDto,
  ListOrganizationsQueryDto,
} from './organization.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('admin: organizations')
@AdminRoute()
@Controller('v1/admin/organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @CheckPolicies('create', 'Organization')
  @ApiBody({ type: CreateOrganizationDto })
  @ApiCreatedResponse({ type: OrganizationDto })
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateOrganizationDto) {
    return this.organizations.create(actor, body);
  }

  @Get()
  @CheckPolicies('read', 'Organization')
  @ApiPaging()
  @ApiOkResponse({ type: OrganizationPageDto })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListOrganizationsQueryDto): Promise<Page<OrganizationDto>> {
    return this.organizations.list(actor, query);
  }

  @Get(':orgId')
  @CheckPolicies('read', 'Organization')
  @ApiOkResponse({ type: OrganizationDto })
  get(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string) {
    return this.organizations.get(actor, orgId);
  }

  @Patch(':orgId')
  @CheckPolicies('update', 'Organization')
  @ApiBody({ type: UpdateOrganizationDto })
  @ApiOkResponse({ type: OrganizationDto })
  update(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Body() body: UpdateOrganizationDto) {
    return this.organizations.update(actor, orgId, body);
  }

  @Post(':orgId/disable')
  @CheckPolicies('update', 'Organization')
  @HttpCode(200)
  @ApiOkResponse({ type: OrganizationDto })
  disable(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string) {
    return this.organizations.disable(actor, orgId);
  }

  @Post(':orgId/enable')
  @CheckPolicies('update', 'Organization')
  @HttpCode(200)
  @ApiOkResponse({ type: OrganizationDto })
  enable(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string) {
    return this.organizations.enable(actor, orgId);
  }
}
