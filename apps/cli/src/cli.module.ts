import { DynamicModule, Module } from '@nestjs/common';
import { AuthorizationModule } from '@infergate/authorization';
import { ConfigModule, InfergateConfig } from '@infergate/common';
import { DatabaseModule } from '@infergate/database';
import { ApiKeysModule, OAuthModule, TenancyDirectoryModule } from '@infergate/identity';
import { ModelRegistryCoreModule } from '@infergate/model-registry';
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
        DatabaseModule.forRoot({ connectOnStart: false }),
        AuthorizationModule.forRoot(),
        TenancyDirectoryModule,
        ApiKeysModule,
        OAuthModule,
        ModelRegistryCoreModule,
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
