import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies } from '@infergate/common';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import {
  CreateVersionDto,
  ListVersionsQueryDto,
  ModelVersionDto,
  ModelVersionPageDto,
  StageTransitionDto,
  TransitionDto,
  UpdateVersionDto,
} from '../dto/model-version.dto';
import { ModelVersionsService } from '../services/model-versions.service';
import { StageTransitionsService } from '../services/stage-transitions.service';
import { ApiModelParam, RegistryRoute } from './registry-route.decorators';

@ApiTags('models')
@RegistryRoute()
@ApiModelParam()
@Controller('v1/models/:model/versions')
export class ModelVersionsController {
  constructor(
    private readonly versions: ModelVersionsService,
    private readonly transitions: StageTransitionsService,
  ) {}

  @Get()
  @CheckPolicies('read', 'ModelVersion')
  @ApiOkResponse({ type: ModelVersionPageDto })
  list(@CurrentPrincipal() actor: Principal, @Param('model') model: string, @Query() query: ListVersionsQueryDto) {
    return this.versions.list(actor, model, query);
  }

  @Post()
  @CheckPolicies('create', 'ModelVersion')
  @ApiBody({ type: CreateVersionDto })
  @ApiCreatedResponse({ type: ModelVersionDto })
  create(@CurrentPrincipal() actor: Principal, @Param('model') model: string, @Body() body: CreateVersionDto) {
    return this.versions.create(actor, model, body);
  }

  @Get(':version')
  @CheckPolicies('read', 'ModelVersion')
  @ApiOkResponse({ type: ModelVersionDto })
  get(@CurrentPrincipal() actor: Principal, @Param('model') model: string, @Param('version') version: string) {
    return this.versions.get(actor, model, version);
  }

  // The action depends on the change (update, or administer for the status alone): the guard admits either, the service decides on the instance.
  @Patch(':version')
  @CheckPolicies(['update', 'administer'], 'ModelVersion')
  @ApiBody({ type: UpdateVersionDto })
  @ApiOkResponse({ type: ModelVersionDto })
  update(
    @CurrentPrincipal() actor: Principal,
    @Param('model') model: string,
    @Param('version') version: string,
    @Body() body: UpdateVersionDto,
  ) {
    return this.versions.update(actor, model, version, body);
  }

  @Post(':version/transitions')
  @CheckPolicies('transition', 'ModelVersion')
  @HttpCode(200)
  @ApiBody({ type: TransitionDto })
  @ApiOkResponse({ type: ModelVersionDto })
  transition(
    @CurrentPrincipal() actor: Principal,
    @Param('model') model: string,
    @Param('version') version: string,
    @Body() body: TransitionDto,
  ) {
    return this.transitions.transition(actor, model, version, body);
  }

  @Get(':version/transitions')
  @CheckPolicies('read', 'ModelVersion')
  @ApiOkResponse({ type: [StageTransitionDto] })
  history(@CurrentPrincipal() actor: Principal, @Param('model') model: string, @Param('version') version: string) {
    return this.transitions.history(actor, model, version);
  }
}
