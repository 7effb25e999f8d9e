import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CheckPolicies } from '@infergate/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { AdminRoute, ApiPaging } from './admin-api.decorators';
import {
  ApplicationDto,
  ApplicationPageDto,
  CreateApplicationDto,
  CreatedApplicationDto,
  RotatedSecretDto,
  UpdateApplicationDto,
  ListApplicationsQueryDto,
} from './application.dto';
import { ApplicationsService } from './applications.service';

@ApiTags('admin: applications')
@AdminRoute()
@Controller('v1/admin/organizations/:orgId/applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @CheckPolicies('create', 'Application')
  @ApiBody({ type: CreateApplicationDto })
  @ApiCreatedResponse({ type: CreatedApplicationDto, description: 'The client secret is in this answer only.' })
  create(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Body() body: CreateApplicationDto) {
    return this.applications.create(actor, orgId, body);
  }

  @Get()
  @CheckPolicies('read', 'Application')
  @ApiPaging()
  @ApiOkResponse({ type: ApplicationPageDto })
  list(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Query() query: ListApplicationsQueryDto) {
    return this.applications.list(actor, orgId, query);
  }

  @Get(':appId')
  @CheckPolicies('read', 'Application')
  @ApiOkResponse({ type: ApplicationDto })
  get(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Param('appId') appId: string) {
    return this.applications.get(actor, orgId, appId);
  }

  @Patch(':appId')
  @CheckPolicies('update', 'Application')
  @ApiBody({ type: UpdateApplicationDto })
  @ApiOkResponse({ type: ApplicationDto })
  update(
    @CurrentPrincipal() actor: Principal,
    @Param('orgId') orgId: string,
    @Param('appId') appId: string,
    @Body() body: UpdateApplicationDto,
  ) {
    return this.applications.update(actor, orgId, appId, body);
  }

  @Post(':appId/rotate-secret')
  @CheckPolicies('update', 'Application')
  @HttpCode(200)
  @ApiOkResponse({ type: RotatedSecretDto, description: 'The new client secret is in this answer only.' })
  rotateSecret(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Param('appId') appId: string) {
    return this.applications.rotateSecret(actor, orgId, appId);
  }

  @Post(':appId/disable')
  @CheckPolicies('update', 'Application')
  @HttpCode(200)
  @ApiOkResponse({ type: ApplicationDto })
  disable(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Param('appId') appId: string) {
    return this.applications.disable(actor, orgId, appId);
  }

  @Post(':appId/enable')
  @CheckPolicies('update', 'Application')
  @HttpCode(200)
  @ApiOkResponse({ type: ApplicationDto })
  enable(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Param('appId') appId: string) {
    return this.applications.enable(actor, orgId, appId);
  }
}
