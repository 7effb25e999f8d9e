import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@infergate/audit';
import { composeLibModule, type OptionsInput } from '@infergate/common';
import { DatabaseCoreModule } from '@infergate/database';
import { IdentityCoreModule, TenancyDirectoryModule } from '@infergate/identity';
import { ModelAliasesController } from './controllers/model-aliases.controller';
import { ModelVersionsController } from './controllers/model-versions.controller';
import { ModelsController } from './controllers/models.controller';
import { EndpointVault } from './endpoint/endpoint-vault';
import { EndpointValidator } from './endpoint/endpoint.validator';
import { OnnxModelPathValidator } from './endpoint/onnx-model-path.validator';
import { UpstreamUrlValidator } from './endpoint/upstream-url.validator';
import { MODEL_REGISTRY_ENTITIES } from './entities';
import { REGISTRY_OPTIONS, RegistryOptions } from './model-registry.options';
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
 * Needs ModelRegistryModule.forRoot (its options), DatabaseModule and AuthorizationModule (ACCESS_POLICY)
 * in the application.
 */
@Module({
  imports: [TypeOrmModule.forFeature(MODEL_REGISTRY_ENTITIES), DatabaseCoreModule, AuditModule, IdentityCoreModule, TenancyDirectoryModule],
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

/** What ModelRegistryModule mounts besides the services; off unless asked for. */
export interface ModelRegistryModuleExtras {
  /** `/v1/models`: models, versions, stage transitions, aliases. */
  adminApi?: boolean;
}

/** Holds ModelRegistryModule's options (see composeLibModule). */
@Module({})
export class RegistryOptionsHolder {}

/** The options as the application passed them (before validation and defaults). */
export const REGISTRY_MODULE_OPTIONS = Symbol('REGISTRY_MODULE_OPTIONS');

export const {
  ConfigurableModuleClass: ConfigurableModelRegistryModule,
  OPTIONS_TYPE: REGISTRY_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: REGISTRY_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OptionsInput<RegistryOptions>>({
  moduleName: 'ModelRegistry',
  optionsInjectionToken: REGISTRY_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<ModelRegistryModuleExtras>({ adminApi: false }, (definition, extras): DynamicModule =>
    composeLibModule(definition, {
      holder: RegistryOptionsHolder,
      rawToken: REGISTRY_MODULE_OPTIONS,
      token: REGISTRY_OPTIONS,
      type: RegistryOptions,
      scope: 'registry',
      imports: [ModelRegistryCoreModule],
      controllers: extras.adminApi ? [ModelsController, ModelVersionsController, ModelAliasesController] : [],
      exports: [ModelRegistryCoreModule],
    }),
  )
  .build();

/**
 * The model registry: its options (`upstreamAllowlist`, `modelsDir`), the services (through
 * ModelRegistryCoreModule, which inference and seeding modules import) and, with `adminApi: true`,
 * `/v1/models`. Usage: `ModelRegistryModule.forRoot({ modelsDir, adminApi: true })`.
 */
@Module({})
export class ModelRegistryModule extends ConfigurableModelRegistryModule {}
