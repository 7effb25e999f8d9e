import { Module } from '@nestjs/common';
import { IdentityCoreModule } from '../identity-core.module';
import { ApplicationsService } from './applications.service';
import { OrganizationsService } from './organizations.service';
import { ProjectsService } from './projects.service';
import { RoleBindingsService } from './role-bindings.service';
import { TenancyAccess } from './tenancy-access';
import { TenancyAudit } from './tenancy-audit';
import { TenancyEvents } from './tenancy-events';

/** The tenancy directory's services, shared by the admin API and the operator CLI. */
@Module({
  imports: [IdentityCoreModule],
  providers: [TenancyAccess, TenancyAudit, TenancyEvents, OrganizationsService, ProjectsService, ApplicationsService, RoleBindingsService],
  exports: [TenancyAccess, TenancyAudit, TenancyEvents, OrganizationsService, ProjectsService, ApplicationsService, RoleBindingsService],
})
export class TenancyDirectoryModule {}
