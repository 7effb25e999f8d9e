import { Inject, Injectable } from '@nestjs/common';
import { ResourceNotFoundException } from '@infergate/common';
import { DatabaseService } from '@infergate/database';
import { ACCESS_POLICY, type AccessPolicy, type Principal } from '@infergate/contracts';
import { ApplicationEntity, OrganizationEntity } from '@infergate/identity';

/** What this team's service computes: a small summary of one organization. */
export interface OrganizationReport {
  orgId: string;
  name: string;
  status: string;
  applications: number;
  generatedAt: string;
}

/**
 * The team's own logic. Access is decided by the shared policy set through ACCESS_POLICY, on the
 * loaded organization: another organization's report answers 404, exactly like a missing one.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly database: DatabaseService,
    @Inject(ACCESS_POLICY) private readonly access: AccessPolicy,
  ) {}

  async forOrganization(principal: Principal, orgId: string): Promise<OrganizationReport> {
    const org = await this.database.repository(OrganizationEntity).findOneBy({ id: orgId });
    if (!org) throw new ResourceNotFoundException();
    this.access.assert(principal, 'read', 'Organization', org);
    const applications = await this.database.repository(ApplicationEntity).countBy({ orgId });
    return { orgId: org.id, name: org.name, status: org.status, applications, generatedAt: new Date().toISOString() };
  }
}
