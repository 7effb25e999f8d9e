import { Injectable } from '@nestjs/common';
import { RequestValidationException, ResourceNotFoundException, Page, pageOf } from '@infergate/common';
import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import { DatabaseService } from '@infergate/database';
import type { PolicyAction, Principal } from '@infergate/contracts';
import { RevocationService } from '../revocation/revocation.service';
import { ApplicationEntity } from './application.entity';
import { OrganizationsService } from './organizations.service';
import { ProjectsService } from './projects.service';
import { CreateRoleBinding, ListRoleBindings, RoleBindingDto } from './role-binding.dto';
import { RoleBindingEntity } from './role-binding.entity';
import { TenancyAccess } from './tenancy-access';
import { TenancyAudit } from './tenancy-audit';
import { TenancyEvents } from './tenancy-events';
import { TenancyConflictException } from './tenancy.errors';
import { UserEntity } from './user.entity';

/**
 * Role bindings. The policy set says who may grant what (by default only a platform admin grants
 * platform-admin, platform-wide; an org admin grants roles within its own organization), and a role
 * is only ever granted to a principal of the organization it is granted in.
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
    const binding: RoleBindingEntity = {
      id: randomUUID(),
      principalType: input.principalType,
      principalId: input.principalId,
      role: input.role,
      orgId: input.role === 'platform-admin' ? null : (input.orgId ?? null),
      projectId: input.projectId ?? null,
      createdAt: new Date(),
    };
    if (input.role === 'platform-admin') {
      this.access.assertMay(actor, 'create', 'RoleBinding', binding);
      if (input.orgId !== undefined || input.projectId !== undefined) {
        throw RequestValidationException.at(
          input.orgId !== undefined ? '/orgId' : '/projectId',
          'platform-admin is granted platform-wide.',
        );
      }
    } else {
      if (input.orgId === undefined) throw RequestValidationException.at('/orgId', `Required for the role ${input.role}.`);
      // Another organization's answers like a missing one; then the grant itself must be one the caller may make.
      await this.organizations.findReadable(actor, input.orgId);
      this.access.assertMay(actor, 'create', 'RoleBinding', binding);
      if (input.projectId !== undefined) await this.assertProject(input.orgId, input.projectId);
    }
    const { orgId } = binding;
    await this.assertPrincipal(input.principalType, input.principalId, orgId);

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
    const rows = this.repository.createQueryBuilder('binding');
    if (query.principalType) rows.andWhere('binding.principalType = :principalType', { principalType: query.principalType });
    if (query.principalId) rows.andWhere('binding.principalId = :principalId', { principalId: query.principalId });
    if (query.role) rows.andWhere('binding.role = :role', { role: query.role });
    if (query.orgId) rows.andWhere('binding.orgId = :orgId', { orgId: query.orgId });
    this.access.restrict(rows, 'binding', actor, 'RoleBinding');
    return pageOf(rows, 'binding', query, (row) => RoleBindingDto.from(row));
  }

  async get(actor: Principal, id: string): Promise<RoleBindingDto> {
    return RoleBindingDto.from(await this.findFor(actor, 'read', id));
  }

  /** Removes the binding; tokens already issued to the principal are revoked, since they carry its roles. */
  async delete(actor: Principal, id: string): Promise<void> {
    const binding = await this.findFor(actor, 'delete', id);
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

  /** The binding, when the caller may `action` it: 404 when missing or unseen, 403 when only readable. */
  private async findFor(actor: Principal, action: PolicyAction, id: string): Promise<RoleBindingEntity> {
    const binding = await this.repository.findOneBy({ id });
    if (!binding) throw new ResourceNotFoundException();
    this.access.assert(actor, action, 'RoleBinding', binding);
    return binding;
  }

  private async assertProject(orgId: string, projectId: string): Promise<void> {
    try {
      await this.projects.find(orgId, projectId);
    } catch (error) {
      if (error instanceof ResourceNotFoundException)
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
