import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@infergate/audit';
import { IdentityCoreModule, TenancyDirectoryModule } from '@infergate/identity';
import { ModelAliasesController } from './controllers/model-aliases.controller';
import { ModelVersionsController } from './controllers/model-versions.controller';
import { ModelsController } from './controllers/models.controller';
import { EndpointVault } from './endpoint/endpoint-vault';
import { EndpointValidator } from './endpoint/endpoint.validator';
import { OnnxModelPathValidator } from './endpoint/onnx-model-path.validator';
import { UpstreamUrlValidator } from './endpoint/upstream-url.validator';
import { MODEL_REGISTRY_ENTITIES } from './entities';
import { MODEL_RESOLVER } from './model-registry.types';
import { ModelResolverService } from './resolver/model-resolver.service';
import { ResolutionCache } from './resolver/resolution-cache';
import { ModelAliasesService } from './services/model-aliases.service';
import { ModelRegistryService } from './services/model-registry.service';
import { ModelVersionsService } from './services/model-versions.service';
import { ModelsService } from './services/models.service';
import { RegistryAudit } from './services/registry-audit';
import { RegistryLookup } from './services/registry-lookup';
import { StageTransitionsService } from './services/stage-transitions.service';

const SERVICES = [
  ModelsService,
  ModelVersionsService,
  StageTransitionsService,
  ModelAliasesService,
  ModelRegistryService,
  ModelResolverService,
];

/**
 * The registry's services without HTTP routes, for the operator CLI and for modules that seed models.
 * Needs ConfigModule, DatabaseModule and AuthorizationModule (ACCESS_POLICY) in the application.
 */
@Module({
  imports: [TypeOrmModule.forFeature(MODEL_REGISTRY_ENTITIES), AuditModule, IdentityCoreModule, TenancyDirectoryModule],
  providers: [
    { provide: ResolutionCache, useFactory: () => new ResolutionCache() },
    UpstreamUrlValidator,
    OnnxModelPathValidator,
    EndpointValidator,
    EndpointVault,
    RegistryAudit,
    RegistryLookup,
    ...SERVICES,
    { provide: MODEL_RESOLVER, useExisting: ModelResolverService },
  ],
  exports: [...SERVICES, MODEL_RESOLVER, UpstreamUrlValidator],
})
export class ModelRegistryCoreModule {}

/**
 * The model registry for the gateway: `/v1/models` (models, versions, stage transitions, aliases) and,
 * globally, MODEL_RESOLVER and ModelRegistryService for the inference and seeding modules.
 */
@Module({})
export class ModelRegistryModule {
  static forRoot(): DynamicModule {
    return {
      module: ModelRegistryModule,
      global: true,
      imports: [ModelRegistryCoreModule],
      controllers: [ModelsController, ModelVersionsController, ModelAliasesController],
      exports: [ModelRegistryCoreModule],
    };
  }
}
