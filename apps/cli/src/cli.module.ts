import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, InfergateConfig } from '@infergate/common';
import { DatabaseModule } from '@infergate/database';
import { MigrateCommand, MigrateRevertCommand, MigrateRunCommand, MigrateStatusCommand } from './commands/migrate.command';

/** The operator CLI's composition: the same libraries as the gateway, driven by commands. */
@Module({})
export class CliModule {
  static register(config: InfergateConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot({ connectOnStart: false })],
      providers: [MigrateCommand, MigrateRunCommand, MigrateRevertCommand, MigrateStatusCommand],
    };
  }
}
