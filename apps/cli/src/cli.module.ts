import { DynamicModule, Module } from '@nestjs/common';
import { AuthorizationModule } from '@infergate/authorization';
import { AuditModule } from '@infergate/audit';
import { DatabaseModule } from '@infergate/database';
import { IdentityModule } from '@infergate/identity';
import { ModelRegistryModule } from '@infergate/model-registry';
import { ConfigModule, InfergateConfig } from '../../gateway/src/config';
import { API_KEYS_COMMANDS } from './commands/api-keys.command';
import { AUDIT_COMMANDS } from './commands/audit.command';
import { APPS_COMMANDS } from './commands/apps.command';
import { KEYS_COMMANDS } from './commands/keys.command';
import { MigrateCommand, MigrateRevertCommand, MigrateRunCommand, MigrateStatusCommand } from './commands/migrate.command';
import { MODELS_COMMANDS } from './commands/models.command';
import { ORGS_COMMANDS } from './commands/orgs.command';
import { POLICIES_COMMANDS } from './commands/policies.command';
import { PROJECTS_COMMANDS } from './commands/projects.command';
import { ROLES_COMMANDS } from './commands/roles.command';

/** The operator CLI's composition: the same libraries as the gateway, driven by commands. */
@Module({})
export class CliModule {
  static register(config: InfergateConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ database: config.database, redis: config.redis, connectOnStart: false }),
        AuditModule.forRoot(config.audit),
        // The services only: the CLI mounts no HTTP API.
        IdentityModule.forRoot({ ...config.identity, bootstrap: config.bootstrap }),
        AuthorizationModule.forRoot(config.authorization),
        ModelRegistryModule.forRoot(config.registry),
      ],
      providers: [
        MigrateCommand,
        MigrateRunCommand,
        MigrateRevertCommand,
        MigrateStatusCommand,
        ...ORGS_COMMANDS,
        ...PROJECTS_COMMANDS,
        ...APPS_COMMANDS,
        ...ROLES_COMMANDS,
        ...API_KEYS_COMMANDS,
        ...KEYS_COMMANDS,
        ...POLICIES_COMMANDS,
        ...MODELS_COMMANDS,
        ...AUDIT_COMMANDS,
      ],
    };
  }
}
