import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthorizationModule, PoliciesGuard } from '@infergate/authorization';
import { ConfigModule, InfergateConfig, LoggingModule, ProblemDetailsFilter } from '@infergate/common';
import { DatabaseModule } from '@infergate/database';
import { AuthenticationGuard, IdentityModule } from '@infergate/identity';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/**
 * Another team's service reusing the gateway's security modules and nothing else of it: identity
 * (who is calling) and authorization (may they), with the shared policy set.
 */
@Module({})
export class SecuredServiceModule {
  static register(config: InfergateConfig): DynamicModule {
    return {
      module: SecuredServiceModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule.forRoot({ connectOnStart: true }),
        IdentityModule.forRoot(),
        AuthorizationModule.forRoot(),
      ],
      controllers: [ReportsController],
      providers: [
        ReportsService,
        // Order matters: authentication builds the principal the policies guard reads.
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: PoliciesGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
