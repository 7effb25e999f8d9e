import { Injectable } from '@nestjs/common';
import { ResourceNotFoundException, Page, pageOf } from '@infergate/common';
import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { DatabaseService } from '@infergate/database';
import { type PolicyAction, type Principal, CLEARANCES, Clearance } from '@infergate/contracts';
import { RevocationService } from '../revocation/revocation.service';
import { ApplicationEntity } from './application.entity';
import { CreateOrganization, ListOrganizations, OrganizationDto, UpdateOrganization } from './organization.dto';
import { OrganizationEntity } from './organization.entity';
import { TenancyAccess } from './tenancy-access';
import { TenancyAudit } from './tenancy-audit';
import { TenancyEvents } from './tenancy-events';
import { isUniqueViolation, TenancyConflictException } from './tenancy.errors';

/**
 * Organizations. Who may create, read or change one is the policy set's call (by default: platform
 * admins everything, an organization's admins and auditors read their own).
 */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly database: DatabaseService,
    private readonly access: TenancyAccess,
    private readonly audit: TenancyAudit,
    private readonly events: TenancyEvents,
    private readonly revocation: RevocationService,
  ) {}

  private get repository() {
    return this.database.repository(OrganizationEntity);
  }

  async create(actor: Principal, input: CreateOrganization): Promise<OrganizationDto> {
    const now = new Date();
    const org: OrganizationEntity = {
      id: randomUUID(),
      name: input.name,
      displayName: input.displayName ?? null,
      status: 'active',
      allowedRegions: input.allowedRegions,
      allowedCidrs: input.allowedCidrs,
      maxClearance: input.maxClearance,
      createdAt: now,
      updatedAt: now,
    };
    this.access.assertMay(actor, 'create', 'Organization', org);
    await this.assertNameFree(org.name);
    try {
      await this.repository.insert(org);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(org.name);
      throw error;
    }
    await this.audit.changed(actor, 'tenancy.organization.created', { type: 'Organization', id: org.id }, org.id, { name: org.name });
    return OrganizationDto.from(org);
  }

  async list(actor: Principal, query: ListOrganizations): Promise<Page<OrganizationDto>> {
    const rows = this.repository.createQueryBuilder('org');
    if (query.status) rows.andWhere('org.status = :status', { status: query.status });
    this.access.restrict(rows, 'org', actor, 'Organization');
    return pageOf(rows, 'org', query, (row) => OrganizationDto.from(row));
  }

  async get(actor: Principal, id: string): Promise<OrganizationDto> {
    return OrganizationDto.from(await this.findReadable(actor, id));
  }

  /** The organization entity, or 404 when it is missing or out of the caller's sight. */
  async findReadable(actor: Principal, id: string): Promise<OrganizationEntity> {
    return this.findFor(actor, 'read', id);
  }

  /** The organization, when the caller may `action` it: 404 when missing or unseen, 403 when only readable. */
  async findFor(actor: Principal, action: PolicyAction, id: string): Promise<OrganizationEntity> {
    const org = await this.repository.findOneBy({ id });
    if (!org) throw new ResourceNotFoundException();
    this.access.assert(actor, action, 'Organization', org);
    return org;
  }

  async update(actor: Principal, id: string, input: UpdateOrganization): Promise<OrganizationDto> {
    const org = await this.findFor(actor, 'update', id);
    if (input.name !== undefined && input.name !== org.name) await this.assertNameFree(input.name);
    if (input.maxClearance !== undefined) await this.assertNoApplicationAbove(org.id, input.maxClearance);
    const changes: Partial<OrganizationEntity> = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
      ...(input.allowedRegions !== undefined ? { allowedRegions: input.allowedRegions } : {}),
      ...(input.allowedCidrs !== undefined ? { allowedCidrs: input.allowedCidrs } : {}),
      ...(input.maxClearance !== undefined ? { maxClearance: input.maxClearance } : {}),
      updatedAt: new Date(),
    };
    try {
      await this.repository.update({ id }, changes);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(input.name ?? org.name);
      throw error;
    }
    await this.audit.changed(actor, 'tenancy.organization.updated', { type: 'Organization', id }, id, {
      fields: Object.keys(input).join(','),
    });
    // Applications of the organization read its regions and CIDRs when their credentials are verified.
    this.events.credentialChanged({ kind: 'organization', orgId: id });
    return OrganizationDto.from({ ...org, ...changes });
  }

  /** Disables the organization; every token of its applications stops working at once. */
  async disable(actor: Principal, id: string): Promise<OrganizationDto> {
    const org = await this.findFor(actor, 'update', id);
    if (actor.orgId === id) throw new TenancyConflictException('You cannot disable the organization you belong to.');
    const updated = await this.setStatus(org, 'disabled');
    const apps = await this.database.repository(ApplicationEntity).find({ where: { orgId: id }, select: { id: true } });
    for (const app of apps) await this.revocation.revokeAllTokensOf(app.id);
    this.events.credentialChanged({ kind: 'organization', orgId: id });
    await this.audit.changed(actor, 'tenancy.organization.disabled', { type: 'Organization', id }, id, { applications: apps.length });
    return updated;
  }

  async enable(actor: Principal, id: string): Promise<OrganizationDto> {
    const org = await this.findFor(actor, 'update', id);
    const updated = await this.setStatus(org, 'active');
    await this.audit.changed(actor, 'tenancy.organization.enabled', { type: 'Organization', id }, id);
    return updated;
  }

  private async setStatus(org: OrganizationEntity, status: OrganizationEntity['status']): Promise<OrganizationDto> {
    const updatedAt = new Date();
    await this.repository.update({ id: org.id }, { status, updatedAt });
    return OrganizationDto.from({ ...org, status, updatedAt });
  }

  private async assertNameFree(name: string): Promise<void> {
    if (await this.repository.existsBy({ name })) throw nameTaken(name);
  }

  private async assertNoApplicationAbove(orgId: string, maxClearance: Clearance): Promise<void> {
    const above = CLEARANCES.slice(CLEARANCES.indexOf(maxClearance) + 1);
    if (above.length === 0) return;
    const count = await this.database.repository(ApplicationEntity).countBy({ orgId, clearance: In(above) });
    if (count > 0) {
      throw new TenancyConflictException(
        `${count} application(s) of this organization hold a clearance above ${maxClearance}; lower theirs first.`,
      );
    }
  }
}

function nameTaken(name: string): TenancyConflictException {
  return new TenancyConflictException(`An organization named "${name}" already exists.`);
}
