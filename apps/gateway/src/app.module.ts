import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuditModule } from '@infergate/audit';
import { AuthorizationModule, PoliciesGuard } from '@infergate/authorization';
import { LoggingModule, ProblemDetailsFilter } from '@infergate/common';
import { DatabaseModule } from '@infergate/database';
import { HealthModule } from '@infergate/health';
import { InferenceModule } from '@infergate/inference';
import { ModelRegistryModule } from '@infergate/model-registry';
import { ObservabilityModule } from '@infergate/observability';
import { AuthenticationGuard, IdentityModule } from '@infergate/identity';
import { RateLimitGuard, ThrottlingModule } from '@infergate/throttling';
import { ProblemValidationPipe, ValidationPipeModule } from '@infergate/validation';
import { AnomalyAuditModule } from './anomaly-audit.module';
import { ConfigModule, InfergateConfig } from './config';

/**
 * Composition only: which modules make up the gateway, each given its own slice of the configuration
 * and asked for the HTTP APIs the gateway serves, and the global guards, pipes and filters.
 */
@Module({})
export class AppModule {
  static register(config: InfergateConfig, extra: ModuleMetadata['imports'] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config.log),
        ObservabilityModule.forRoot({ ...config.observability, metricsEndpoint: true }),
        DatabaseModule.forRoot({ database: config.database, redis: config.redis, connectOnStart: true }),
        AuditModule.forRoot({ ...config.audit, queryApi: true, retention: true }),
        AnomalyAuditModule,
        HealthModule.forRoot(config.shutdown),
        IdentityModule.forRoot({
          ...config.identity,
          bootstrap: config.bootstrap,
          mtls: { clientCaFile: config.server.tls.clientCaFile, trustedProxyCidrs: config.server.trustedProxyCidrs },
          oauthServer: true,
          adminApi: true,
        }),
        AuthorizationModule.forRoot({ ...config.authorization, explainApi: true }),
        // The plan files are watched like the policy files (POLICY_WATCH).
        ThrottlingModule.forRoot({ ...config.throttling, watchPlans: config.authorization.watchPolicies, usageApi: true }),
        ModelRegistryModule.forRoot({ ...config.registry, adminApi: true }),
        InferenceModule.forRoot({
          ...config.inference,
          modelsDir: config.registry.modelsDir,
          seedDemoModel: config.registry.seedDemoModel ?? config.profile === 'embedded',
        }),
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
