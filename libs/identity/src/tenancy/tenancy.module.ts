import { Module } from '@nestjs/common';
import { IdentityCoreModule } from '../identity-core.module';
import { ApplicationsController } from './applications.controller';
import { BOOTSTRAP_CONSOLE, BootstrapAdminService, stdoutConsole } from './bootstrap-admin.service';
import { OrganizationsController } from './organizations.controller';
import { ProjectsController } from './projects.controller';
import { RoleBindingsController } from './role-bindings.controller';
import { TenancyDirectoryModule } from './tenancy-directory.module';

/** Organizations, projects, applications, users and role bindings, with their admin API and the bootstrap admin. */
@Module({
  imports: [IdentityCoreModule, TenancyDirectoryModule],
  controllers: [OrganizationsController, ProjectsController, ApplicationsController, RoleBindingsController],
  providers: [BootstrapAdminService, { provide: BOOTSTRAP_CONSOLE, useValue: stdoutConsole }],
  exports: [TenancyDirectoryModule],
})
export class TenancyModule {}
