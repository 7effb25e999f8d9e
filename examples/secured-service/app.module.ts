import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuditModule, type AuditOptions } from '@infergate/audit';
import { AuthorizationModule, PoliciesGuard, type AuthorizationModuleOptions } from '@infergate/authorization';
import { LoggingModule, ProblemDetailsFilter, type LogLevel, type OptionsInput } from '@infergate/common';
import { DatabaseModule, type DatabaseConnectionOptions } from '@infergate/database';
import { AuthenticationGuard, IdentityModule, type IdentityOptions } from '@infergate/identity';
import { RateLimitGuard, ThrottlingModule, type ThrottlingModuleOptions } from '@infergate/throttling';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** This service's own configuration: each library gets the slice it needs and nothing of the gateway's. */
export interface SecuredServiceOptions {
  /** The directory (tenancy, signing keys) the gateway writes: tokens it issues are verified against it. */
  database: OptionsInput<DatabaseConnectionOptions>;
  /** The issuer and audience of the gateway's tokens, and the master key that protects its signing keys. */
  identity: OptionsInput<IdentityOptions>;
  authorization: OptionsInput<AuthorizationModuleOptions>;
  /** This service's own plans (examples/secured-service/plans by default). */
  throttling: OptionsInput<ThrottlingModuleOptions>;
  audit: OptionsInput<AuditOptions>;
  logLevel?: LogLevel;
}

/**
 * Another team's service reusing the gateway's security modules and nothing else of it: identity
 * (who is calling: token verification only, no authorization server, no admin API), authorization
 * (may they, with the shared policy set) and throttling (how often, with this service's own plans).
 */
@Module({})
export class SecuredServiceModule {
  static register(options: SecuredServiceOptions): DynamicModule {
    return {
      module: SecuredServiceModule,
      imports: [
        LoggingModule.forRoot({ level: options.logLevel ?? 'info' }),
        DatabaseModule.forRoot({ database: options.database, connectOnStart: true }),
        AuditModule.forRoot(options.audit),
        IdentityModule.forRoot(options.identity),
        AuthorizationModule.forRoot(options.authorization),
        ThrottlingModule.forRoot(options.throttling),
      ],
      controllers: [ReportsController],
      providers: [
        ReportsService,
        // Order matters: authentication builds the principal the policies guard reads; only requests
        // both admit are charged against the caller's plan.
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: PoliciesGuard },
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
