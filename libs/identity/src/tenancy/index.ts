// The tenancy directory's public surface, re-exported by the identity index.
export { TenancyConflictException } from './tenancy.errors';
export { TenancyAccess, SYSTEM_PRINCIPAL } from './tenancy-access';
export { TenancyEvents, type CredentialChange } from './tenancy-events';
export * from './organization.dto';
export * from './project.dto';
export * from './application.dto';
export * from './role-binding.dto';
export * from './organizations.service';
export * from './projects.service';
export * from './applications.service';
export * from './role-bindings.service';
export { BootstrapAdminService, BOOTSTRAP_APPLICATION_ID, PLATFORM_ORG_NAME } from './bootstrap-admin.service';
export * from './tenancy-directory.module';
export * from './tenancy.module';
