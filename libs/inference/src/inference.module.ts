import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '@infergate/audit';
import { ValidationModule } from '@infergate/validation';
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

/**
 * Inference: the native, KServe v2 and OpenAI-compatible surfaces, InferenceService over one
 * ModelBackend per backend kind (the in-process ONNX runtime, the upstream client with its resilience),
 * the interceptors around every call, and the demo model seeding. Needs the registry
 * (ModelRegistryModule.forRoot(): MODEL_RESOLVER, ModelRegistryService), throttling (RATE_LIMIT_STORE),
 * the database, identity and the global config and metrics modules in the application.
 */
@Module({
  imports: [AuditModule, ValidationModule, UpstreamModule, DiscoveryModule],
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
})
export class InferenceModule {}
