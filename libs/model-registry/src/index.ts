export * from './model-registry.types';
export * from './model-registry.module';
export * from './model-registry.options';
export * from './model-registry.errors';
export { MODEL_REGISTRY_ENTITIES, ModelEntity, ModelVersionEntity, ModelAliasEntity, ModelStageTransitionEntity } from './entities';
export * from './dto/model.dto';
export * from './dto/model-version.dto';
export * from './dto/model-alias.dto';
export {
  HttpEndpointDto,
  OnnxEndpointDto,
  EndpointTimeoutsDto,
  EndpointTlsDto,
  type EndpointInputDto,
  type EndpointView,
} from './dto/endpoint.dto';
export { isUuid } from './dto/registry-fields';
export { STAGE_TRANSITIONS, allowedTransitions, isTransitionAllowed, transitionNeedsReason } from './stages/stage-machine';
export { UpstreamUrlValidator, HOST_RESOLVER, type HostResolver } from './endpoint/upstream-url.validator';
export { classifyAddress, type AddressClass } from './endpoint/address-ranges';
export { ModelsService } from './services/models.service';
export { ModelVersionsService } from './services/model-versions.service';
export { StageTransitionsService } from './services/stage-transitions.service';
export { ModelAliasesService } from './services/model-aliases.service';
export { ModelRegistryService, type EnsureModelInput, type EnsuredModel } from './services/model-registry.service';
export { ModelResolverService, DEFAULT_ALIAS } from './resolver/model-resolver.service';
export { deprecationHeaders } from './resolver/deprecation-headers';
