import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies } from '@infergate/common';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { DeleteAliasQueryDto, ModelAliasDto, PutAliasDto } from '../dto/model-alias.dto';
import { ModelAliasesService } from '../services/model-aliases.service';
import { ApiModelParam, RegistryRoute } from './registry-route.decorators';

// Moving an alias takes publish, or administer for a protected one: decided on the model instance.
@ApiTags('models')
@RegistryRoute()
@ApiModelParam()
@Controller('v1/models/:model/aliases')
export class ModelAliasesController {
  constructor(private readonly aliases: ModelAliasesService) {}

  @Get()
  @CheckPolicies('read', 'Model')
  @ApiOkResponse({ type: [ModelAliasDto] })
  list(@CurrentPrincipal() actor: Principal, @Param('model') model: string) {
    return this.aliases.list(actor, model);
  }

  @Put(':alias')
  @CheckPolicies(['publish', 'administer'], 'Model')
  @ApiBody({ type: PutAliasDto })
  @ApiOkResponse({ type: ModelAliasDto })
  put(@CurrentPrincipal() actor: Principal, @Param('model') model: string, @Param('alias') alias: string, @Body() body: PutAliasDto) {
    return this.aliases.put(actor, model, alias, body);
  }

  @Delete(':alias')
  @CheckPolicies(['publish', 'administer'], 'Model')
  @HttpCode(204)
  async remove(
    @CurrentPrincipal() actor: Principal,
    @Param('model') model: string,
    @Param('alias') alias: string,
    @Query() query: DeleteAliasQueryDto,
  ): Promise<void> {
    await this.aliases.remove(actor, model, alias, query.reason);
  }
}
