import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CheckPolicies } from '@infergate/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { AdminRoute, ApiPaging } from './admin-api.decorators';
import { CreateProjectDto, ProjectDto, ProjectPageDto, UpdateProjectDto, ListProjectsQueryDto } from './project.dto';
import { ProjectsService } from './projects.service';

@ApiTags('admin: projects')
@AdminRoute()
@Controller('v1/admin/organizations/:orgId/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @CheckPolicies('create', 'Project')
  @ApiBody({ type: CreateProjectDto })
  @ApiCreatedResponse({ type: ProjectDto })
  create(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Body() body: CreateProjectDto) {
    return this.projects.create(actor, orgId, body);
  }

  @Get()
  @CheckPolicies('read', 'Project')
  @ApiPaging()
  @ApiOkResponse({ type: ProjectPageDto })
  list(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Query() query: ListProjectsQueryDto) {
    return this.projects.list(actor, orgId, query);
  }

  @Get(':projectId')
  @CheckPolicies('read', 'Project')
  @ApiOkResponse({ type: ProjectDto })
  get(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Param('projectId') projectId: string) {
    return this.projects.get(actor, orgId, projectId);
  }

  @Patch(':projectId')
  @CheckPolicies('update', 'Project')
  @ApiBody({ type: UpdateProjectDto })
  @ApiOkResponse({ type: ProjectDto })
  update(
    @CurrentPrincipal() actor: Principal,
    @Param('orgId') orgId: string,
    @Param('projectId') projectId: string,
    @Body() body: UpdateProjectDto,
  ) {
    return this.projects.update(actor, orgId, projectId, body);
  }

  @Post(':projectId/disable')
  @CheckPolicies('update', 'Project')
  @HttpCode(200)
  @ApiOkResponse({ type: ProjectDto })
  disable(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Param('projectId') projectId: string) {
    return this.projects.disable(actor, orgId, projectId);
  }

  @Post(':projectId/enable')
  @CheckPolicies('update', 'Project')
  @HttpCode(200)
  @ApiOkResponse({ type: ProjectDto })
  enable(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Param('projectId') projectId: string) {
    return this.projects.enable(actor, orgId, projectId);
  }
}
