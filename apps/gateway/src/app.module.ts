import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuditModule, AuditServerModule } from '@infergate/audit';
import { AuthorizationModule, PoliciesGuard } from '@infergate/authorization';
import { ConfigModule, InfergateConfig, LoggingModule, ProblemDetailsFilter } from '@infergate/common';
import { DatabaseModule } from '@infergate/database';
import { HealthModule } from '@infergate/health';
import { InferenceModule } from '@infergate/inference';
import { ModelRegistryModule } from '@infergate/model-registry';
import { ObservabilityModule } from '@infergate/observability';
import { ACCESS_POLICY } from '@infergate/contracts';
import { AuthenticationGuard, IdentityModule } from '@infergate/identity';
import { RateLimitGuard, ThrottlingModule } from '@infergate/throttling';
import { ProblemValidationPipe, ValidationPipeModule } from '@infergate/validation';
import { AnomalyAuditModule } from './anomaly-audit.module';

/** Composition only: which modules make up the gateway, and the global guards, pipes and filters. */
@Module({})
export class AppModule {
  static register(config: InfergateConfig, extra: ModuleMetadata['imports'] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        ObservabilityModule,
        DatabaseModule.forRoot({ connectOnStart: true }),
        AuditModule,
        AnomalyAuditModule,
        AuditServerModule.forRoot({ accessPolicy: ACCESS_POLICY }),
        HealthModule,
        IdentityModule.forRoot(),
        AuthorizationModule.forRoot(),
        ThrottlingModule.forRoot(),
        ModelRegistryModule.forRoot(),
        InferenceModule,
        ValidationPipeModule,
        ...extra,
      ],
      providers: [
        // In this order: authentication builds the principal that the policies guard checks; only
        // requests both admit are charged against the caller's plan limits.
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: PoliciesGuard },
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        { provide: APP_PIPE, useExisting: ProblemValidationPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
