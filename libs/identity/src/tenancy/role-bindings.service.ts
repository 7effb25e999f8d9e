import { Injectable } from '@nestjs/common';
import { RequestValidationException } from '@infergate/common';
import { randomUUID } from 'node:crypto';
import { FindOptionsWhere, In, IsNull } from 'typeorm';
import { DatabaseService } from '@infergate/database';
import type { Principal } from '../principal';
import { RevocationService } from '../revocation/revocation.service';
import { ApplicationEntity } from './application.entity';
import { OrganizationsService } from './organizations.service';
import type { Page } from './page.dto';
import { ProjectsService } from './projects.service';
import { CreateRoleBinding, ListRoleBindings, RoleBindingDto } from './role-binding.dto';
import { RoleBindingEntity } from './role-binding.entity';
import { TenancyAccess } from './tenancy-access';
import { TenancyAudit } from './tenancy-audit';
import { TenancyEvents } from './tenancy-events';
import { TenancyForbiddenException, TenancyNotFoundException, TenancyConflictException } from './tenancy.errors';
import { UserEntity } from './user.entity';

/**
 * Role bindings. Only a platform admin grants platform-admin (platform-wide, no organization); an org
 * admin grants roles within its own organization, to principals of that organization.
 */
@Injectable()
export class RoleBindingsService {
  constructor(
    private readonly database: DatabaseService,
    private readonly access: TenancyAccess,
    private readonly organizations: OrganizationsService,
    private readonly projects: ProjectsService,
    private readonly revocation: RevocationService,
    private readonly audit: TenancyAudit,
    private readonly events: TenancyEvents,
  ) {}

  private get repository() {
    return this.database.repository(RoleBindingEntity);
  }

  async create(actor: Principal, input: CreateRoleBinding): Promise<RoleBindingDto> {
    let orgId: string | null = null;
    if (input.role === 'platform-admin') {
      this.access.assertPlatformAdmin(actor);
      if (input.orgId !== undefined || input.projectId !== undefined) {
        throw RequestValidationException.at(
          input.orgId !== undefined ? '/orgId' : '/projectId',
          'platform-admin is granted platform-wide.',
        );
      }
    } else {
      if (input.orgId === undefined) throw RequestValidationException.at('/orgId', `Required for the role ${input.role}.`);
      orgId = input.orgId;
      await this.organizations.findWritable(actor, orgId);
      if (input.projectId !== undefined) await this.assertProject(orgId, input.projectId);
    }
    await this.assertPrincipal(input.principalType, input.principalId, orgId);

    const binding: RoleBindingEntity = {
      id: randomUUID(),
      principalType: input.principalType,
      principalId: input.principalId,
      role: input.role,
      orgId,
      projectId: input.projectId ?? null,
      createdAt: new Date(),
    };
    const duplicate = await this.repository.existsBy({
      principalType: binding.principalType,
      principalId: binding.principalId,
      role: binding.role,
      orgId: binding.orgId ?? IsNull(),
      projectId: binding.projectId ?? IsNull(),
    });
    if (duplicate) throw new TenancyConflictException('This role binding already exists.');
    await this.repository.insert(binding);
    this.events.credentialChanged({ kind: 'principal', principalId: binding.principalId });
    await this.audit.changed(actor, 'tenancy.role_binding.created', { type: 'RoleBinding', id: binding.id }, orgId, {
      principalType: binding.principalType,
      principalId: binding.principalId,
      role: binding.role,
      projectId: binding.projectId,
    });
    return RoleBindingDto.from(binding);
  }

  async list(actor: Principal, query: ListRoleBindings): Promise<Page<RoleBindingDto>> {
    const scope = this.access.orgScope(actor, 'read');
    const empty = { items: [], total: 0, limit: query.limit, offset: query.offset };
    if (scope !== 'all' && (scope.length === 0 || (query.orgId !== undefined && !scope.includes(query.orgId)))) return empty;
    const where: FindOptionsWhere<RoleBindingEntity> = {
      ...(query.principalType ? { principalType: query.principalType } : {}),
      ...(query.principalId ? { principalId: query.principalId } : {}),
      ...(query.role ? { role: query.role } : {}),
      ...(query.orgId ? { orgId: query.orgId } : scope === 'all' ? {} : { orgId: In(scope) }),
    };
    const [rows, total] = await this.repository.findAndCount({
      where,
      order: { createdAt: 'ASC', id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items: rows.map((row) => RoleBindingDto.from(row)), total, limit: query.limit, offset: query.offset };
  }

  async get(actor: Principal, id: string): Promise<RoleBindingDto> {
    return RoleBindingDto.from(await this.findReadable(actor, id));
  }

  /** Removes the binding; tokens already issued to the principal are revoked, since they carry its roles. */
  async delete(actor: Principal, id: string): Promise<void> {
    const binding = await this.findReadable(actor, id);
    if (binding.orgId === null ? !this.access.isPlatformAdmin(actor) : !this.access.canWrite(actor, binding.orgId)) {
      throw new TenancyForbiddenException();
    }
    if (binding.role === 'platform-admin' && (await this.repository.countBy({ role: 'platform-admin' })) <= 1) {
      throw new TenancyConflictException('This is the last platform-admin role binding; grant another one first.');
    }
    await this.repository.delete({ id });
    await this.revocation.revokeAllTokensOf(binding.principalId);
    this.events.credentialChanged({ kind: 'principal', principalId: binding.principalId });
    await this.audit.changed(actor, 'tenancy.role_binding.deleted', { type: 'RoleBinding', id }, binding.orgId, {
      principalType: binding.principalType,
      principalId: binding.principalId,
      role: binding.role,
    });
  }

  private async findReadable(actor: Principal, id: string): Promise<RoleBindingEntity> {
    const binding = await this.repository.findOneBy({ id });
    const visible = binding && (binding.orgId === null ? this.access.isPlatformAdmin(actor) : this.access.canRead(actor, binding.orgId));
    if (!binding || !visible) throw new TenancyNotFoundException();
    return binding;
  }

  private async assertProject(orgId: string, projectId: string): Promise<void> {
    try {
      await this.projects.find(orgId, projectId);
    } catch (error) {
      if (error instanceof TenancyNotFoundException)
        throw RequestValidationException.at('/projectId', 'No such project in this organization.');
      throw error;
    }
  }

  /** The principal exists and, for an organization's role, belongs to that organization (same answer otherwise). */
  private async assertPrincipal(type: 'application' | 'user', id: string, orgId: string | null): Promise<void> {
    const found =
      type === 'application'
        ? await this.database.repository(ApplicationEntity).findOne({ where: { id }, select: { id: true, orgId: true } })
        : await this.database.repository(UserEntity).findOne({ where: { id }, select: { id: true, orgId: true } });
    const inOrg = found && (orgId === null || found.orgId === orgId);
    if (!inOrg) throw RequestValidationException.at('/principalId', `No such ${type} in this organization.`);
  }
}
