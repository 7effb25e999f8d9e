import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@infergate/audit';
import { composeLibModule, type OptionsInput } from '@infergate/common';
import { DatabaseCoreModule } from '@infergate/database';
import { ModelRegistryCoreModule } from '@infergate/model-registry';
import { ThrottlingCoreModule } from '@infergate/throttling';
import { ValidationModule } from '@infergate/validation';
import { INFERENCE_OPTIONS, InferenceModuleOptions } from './inference.options';
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
      imports: [DatabaseCoreModule, AuditModule, ValidationModule, ModelRegistryCoreModule, ThrottlingCoreModule, UpstreamModule],
      controllers: [NativeInferenceController, KserveV2Controller, OpenAiController],
      providers: [OnnxSessionPool, OnnxBackend, PiiScreen, InferenceCostCharger, InferenceService, ModelStatusService, DemoModelSeeder],
      exports: [InferenceService, OnnxBackend],
    }),
  )
  .build();

/**
 * Inference: the native, KServe v2 and OpenAI-compatible surfaces, the in-process ONNX backend, the
 * upstream client with its resilience, and the demo model seeding. Usage:
 * `InferenceModule.forRoot({ totalTimeoutMs, modelsDir, seedDemoModel })`. Needs the registry
 * (ModelRegistryModule.forRoot) and throttling (ThrottlingModule.forRoot) options, the database,
 * identity, and the metrics module in the application.
 */
@Module({})
export class InferenceModule extends ConfigurableInferenceModule {}
