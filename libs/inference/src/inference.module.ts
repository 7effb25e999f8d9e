import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '@infergate/audit';
import { composeLibModule, type OptionsInput } from '@infergate/common';
import { DatabaseCoreModule } from '@infergate/database';
import { ModelRegistryCoreModule } from '@infergate/model-registry';
import { ThrottlingCoreModule } from '@infergate/throttling';
import { ValidationModule } from '@infergate/validation';
import { INFERENCE_OPTIONS, InferenceModuleOptions } from './inference.options';
import { HttpJsonModelBackend } from './backends/http-json.backend';
import { KserveV2ModelBackend } from './backends/kserve-v2.backend';
import { ModelBackendRegistry } from './backends/model-backend.registry';
import { OnnxModelBackend } from './backends/onnx.backend';
import { OpenAiModelBackend } from './backends/openai.backend';
import { DeprecationHeadersInterceptor } from './interceptors/deprecation-headers.interceptor';
import { IdempotencyInterceptor } from './interceptors/idempotency.interceptor';
import { InferenceAuditInterceptor } from './interceptors/inference-audit.interceptor';
import { InferenceMetricsInterceptor } from './interceptors/inference-metrics.interceptor';
import { InferencePipelineInterceptor } from './interceptors/inference-pipeline.interceptor';
import { InferenceTraceInterceptor } from './interceptors/inference-trace.interceptor';
import { OutputCheckInterceptor } from './interceptors/output-check.interceptor';
import { DemoModelSeeder } from './onnx/demo-model.seeder';
import { OnnxBackend } from './onnx/onnx-backend';
import { OnnxSessionPool } from './onnx/onnx-session-pool';
import { InferenceCostCharger } from './surfaces/inference-cost';
import { InferenceService } from './surfaces/inference.service';
import { KserveV2Controller } from './surfaces/kserve-v2.controller';
import { ModelStatusService } from './surfaces/model-status.service';
import { NativeInferenceController } from './surfaces/native-inference.controller';
import { OpenAiController } from './surfaces/openai.controller';
import { PiiScreen } from './surfaces/pii-screen';
import { UpstreamModule } from './upstream/upstream.module';

/** One ModelBackend per backend kind of the registry; a team adds its own with @InferenceBackend('kind') in its module. */
const MODEL_BACKENDS = [OnnxModelBackend, KserveV2ModelBackend, HttpJsonModelBackend, OpenAiModelBackend];

/** What surrounds an inference call, chained in InferencePipelineInterceptor (attached by @InferenceRoute()). */
const INTERCEPTORS = [
  InferenceTraceInterceptor,
  InferenceMetricsInterceptor,
  InferenceAuditInterceptor,
  DeprecationHeadersInterceptor,
  IdempotencyInterceptor,
  OutputCheckInterceptor,
  InferencePipelineInterceptor,
];

/** Holds InferenceModule's options (see composeLibModule). */
@Module({})
export class InferenceOptionsHolder {}

/** The options as the application passed them (before validation and defaults). */
export const INFERENCE_MODULE_OPTIONS = Symbol('INFERENCE_MODULE_OPTIONS');

export const {
  ConfigurableModuleClass: ConfigurableInferenceModule,
  OPTIONS_TYPE: INFERENCE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: INFERENCE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OptionsInput<InferenceModuleOptions>>({
  moduleName: 'Inference',
  optionsInjectionToken: INFERENCE_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras({}, (definition): DynamicModule =>
    composeLibModule(definition, {
      holder: InferenceOptionsHolder,
      rawToken: INFERENCE_MODULE_OPTIONS,
      token: INFERENCE_OPTIONS,
      type: InferenceModuleOptions,
      scope: 'inference',
      imports: [
        DatabaseCoreModule,
        AuditModule,
        ValidationModule,
        ModelRegistryCoreModule,
        ThrottlingCoreModule,
        UpstreamModule,
        DiscoveryModule,
      ],
      controllers: [NativeInferenceController, KserveV2Controller, OpenAiController],
      providers: [
        OnnxSessionPool,
        OnnxBackend,
        PiiScreen,
        InferenceCostCharger,
        ...MODEL_BACKENDS,
        ModelBackendRegistry,
        ...INTERCEPTORS,
        InferenceService,
        ModelStatusService,
        DemoModelSeeder,
      ],
      exports: [InferenceService, OnnxBackend, ModelBackendRegistry],
    }),
  )
  .build();

/**
 * Inference: the native, KServe v2 and OpenAI-compatible surfaces, InferenceService over one
 * ModelBackend per backend kind (the in-process ONNX runtime, the upstream client with its resilience),
 * the interceptors around every call, and the demo model seeding. Usage:
 * `InferenceModule.forRoot({ totalTimeoutMs, modelsDir, seedDemoModel })`. Needs the registry
 * (ModelRegistryModule.forRoot) and throttling (ThrottlingModule.forRoot) options, the database,
 * identity, and the metrics module in the application.
 */
@Module({})
export class InferenceModule extends ConfigurableInferenceModule {}
