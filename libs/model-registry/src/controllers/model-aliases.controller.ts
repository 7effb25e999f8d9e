import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, ZodValidationPipe } from '@infergate/common';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { z } from 'zod';
import { ModelAliasDto, PutAliasDto, putAliasSchema, type PutAlias } from '../dto/model-alias.dto';
import { reasonField } from '../dto/registry-fields';
import { ModelAliasesService } from '../services/model-aliases.service';
import { ApiModelParam, RegistryRoute } from './registry-route.decorators';

const deleteAliasQuery = z.strictObject({ reason: reasonField.optional() });
// A type alias, so that the parameter's design type is Object: `z.output` is also a runtime function,
// which the global ValidationPipe would take for a DTO class.
type DeleteAliasQuery = z.output<typeof deleteAliasQuery>;

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
  put(
    @CurrentPrincipal() actor: Principal,
    @Param('model') model: string,
    @Param('alias') alias: string,
    @Body(new ZodValidationPipe(putAliasSchema)) body: PutAlias,
  ) {
    return this.aliases.put(actor, model, alias, body);
  }

  @Delete(':alias')
  @CheckPolicies(['publish', 'administer'], 'Model')
  @HttpCode(204)
  @ApiQuery({ name: 'reason', required: false })
  async remove(
    @CurrentPrincipal() actor: Principal,
    @Param('model') model: string,
    @Param('alias') alias: string,
    @Query(new ZodValidationPipe(deleteAliasQuery)) query: DeleteAliasQuery,
  ): Promise<void> {
    await this.aliases.remove(actor, model, alias, query.reason);
  }
}
