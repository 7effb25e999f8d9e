import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CheckPolicies } from '@infergate/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { AdminRoute, ApiPaging } from './admin-api.decorators';
import { CreateRoleBindingDto, RoleBindingDto, RoleBindingPageDto, ListRoleBindingsQueryDto } from './role-binding.dto';
import { RoleBindingsService } from './role-bindings.service';

@ApiTags('admin: role bindings')
@AdminRoute()
@Controller('v1/admin/role-bindings')
export class RoleBindingsController {
  constructor(private readonly bindings: RoleBindingsService) {}

  @Post()
  @CheckPolicies('create', 'RoleBinding')
  @ApiBody({ type: CreateRoleBindingDto })
  @ApiCreatedResponse({ type: RoleBindingDto })
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateRoleBindingDto) {
    return this.bindings.create(actor, body);
  }

  @Get()
  @CheckPolicies('read', 'RoleBinding')
  @ApiPaging()
  @ApiOkResponse({ type: RoleBindingPageDto })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListRoleBindingsQueryDto) {
    return this.bindings.list(actor, query);
  }

  @Get(':bindingId')
  @CheckPolicies('read', 'RoleBinding')
  @ApiOkResponse({ type: RoleBindingDto })
  get(@CurrentPrincipal() actor: Principal, @Param('bindingId') bindingId: string) {
    return this.bindings.get(actor, bindingId);
  }

  @Delete(':bindingId')
  @CheckPolicies('delete', 'RoleBinding')
  @HttpCode(204)
  @ApiNoContentResponse()
  delete(@CurrentPrincipal() actor: Principal, @Param('bindingId') bindingId: string) {
    return this.bindings.delete(actor, bindingId);
  }
}
