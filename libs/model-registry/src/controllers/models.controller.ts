import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies } from '@infergate/common';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { CreateModelDto, ListModelsQueryDto, ModelDto, ModelPageDto, UpdateModelDto } from '../dto/model.dto';
import { ModelsService } from '../services/models.service';
import { ApiModelParam, RegistryRoute } from './registry-route.decorators';

@ApiTags('models')
@RegistryRoute()
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  @CheckPolicies('read', 'Model')
  @ApiOkResponse({ type: ModelPageDto })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListModelsQueryDto) {
    return this.models.list(actor, query);
  }

  @Post()
  @CheckPolicies('create', 'Model')
  @ApiBody({ type: CreateModelDto })
  @ApiCreatedResponse({ type: ModelDto })
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateModelDto) {
    return this.models.create(actor, body);
  }

  @Get(':model')
  @CheckPolicies('read', 'Model')
  @ApiModelParam()
  @ApiOkResponse({ type: ModelDto })
  get(@CurrentPrincipal() actor: Principal, @Param('model') model: string) {
    return this.models.get(actor, model);
  }

  // The action depends on the change (update, or administer for the status alone): the guard admits either, the service decides on the instance.
  @Patch(':model')
  @CheckPolicies(['update', 'administer'], 'Model')
  @ApiModelParam()
  @ApiBody({ type: UpdateModelDto })
  @ApiOkResponse({ type: ModelDto })
  update(@CurrentPrincipal() actor: Principal, @Param('model') model: string, @Body() body: UpdateModelDto) {
    return this.models.update(actor, model, body);
  }
}
