import { Module } from '@nestjs/common';
import { AuditModule } from '@infergate/audit';
import { ValidationModule } from '@infergate/validation';
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

/**
 * Inference: the native, KServe v2 and OpenAI-compatible surfaces, the in-process ONNX backend, the
 * upstream client with its resilience, and the demo model seeding. Needs the registry
 * (ModelRegistryModule.forRoot(): MODEL_RESOLVER, ModelRegistryService), throttling (RATE_LIMIT_STORE),
 * the database, identity and the global config and metrics modules in the application.
 */
@Module({
  imports: [AuditModule, ValidationModule, UpstreamModule],
  controllers: [NativeInferenceController, KserveV2Controller, OpenAiController],
  providers: [OnnxSessionPool, OnnxBackend, PiiScreen, InferenceCostCharger, InferenceService, ModelStatusService, DemoModelSeeder],
  exports: [InferenceService, OnnxBackend],
})
export class InferenceModule {}
