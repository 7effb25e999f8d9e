import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CheckPolicies } from '@infergate/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { AdminRoute, ApiPaging } from '../tenancy/admin-api.decorators';
import { ApiKeyDto, ApiKeyPageDto, CreateApiKeyDto, CreatedApiKeyDto, ListApiKeysQueryDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('admin: API keys')
@AdminRoute()
@Controller('v1/admin/organizations/:orgId/applications/:appId/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @CheckPolicies('create', 'ApiKey')
  @ApiBody({ type: CreateApiKeyDto })
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The key is in this answer only.' })
  create(
    @CurrentPrincipal() actor: Principal,
    @Param('orgId') orgId: string,
    @Param('appId') appId: string,
    @Body() body: CreateApiKeyDto,
  ) {
    return this.apiKeys.create(actor, orgId, appId, body);
  }

  @Get()
  @CheckPolicies('read', 'ApiKey')
  @ApiPaging()
  @ApiOkResponse({ type: ApiKeyPageDto })
  list(
    @CurrentPrincipal() actor: Principal,
    @Param('orgId') orgId: string,
    @Param('appId') appId: string,
    @Query() query: ListApiKeysQueryDto,
  ) {
    return this.apiKeys.list(actor, orgId, appId, query);
  }

  @Get(':keyId')
  @CheckPolicies('read', 'ApiKey')
  @ApiOkResponse({ type: ApiKeyDto })
  get(@CurrentPrincipal() actor: Principal, @Param('orgId') orgId: string, @Param('appId') appId: string, @Param('keyId') keyId: string) {
    return this.apiKeys.get(actor, orgId, appId, keyId);
  }

  @Delete(':keyId')
  @CheckPolicies('delete', 'ApiKey')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked (also when it already was).' })
  revoke(
    @CurrentPrincipal() actor: Principal,
    @Param('orgId') orgId: string,
    @Param('appId') appId: string,
    @Param('keyId') keyId: string,
  ) {
    return this.apiKeys.revoke(actor, orgId, appId, keyId);
  }
}
