import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DatabaseService } from '@infergate/database';
import { OrganizationEntity, PLATFORM_ORG_NAME } from '@infergate/identity';
import { ModelRegistryService } from '@infergate/model-registry';
import { CREDIT_RISK_DEMO, creditRiskContract } from './credit-risk-demo';
import { INFERENCE_OPTIONS, type InferenceModuleOptions } from '../inference.options';

/**
 * Registers the bundled ONNX demo model on first start (SEED_DEMO_MODEL; on by default in the
 * embedded profile): model `credit-risk` in the `platform` organization (the bootstrap admin's),
 * sensitivity `public`, version 1 in production with the six-feature contract, served in-process from
 * MODELS_DIR/credit-risk/credit-risk-v1.onnx. So the quick start's one curl with the bootstrap admin's
 * token can call `/v1/models/credit-risk/infer`. Idempotent: an existing `credit-risk` model (whatever
 * an operator did to it since) is left alone. Never fails the start: a failure is logged.
 */
@Injectable()
export class DemoModelSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoModelSeeder.name);

  constructor(
    @Inject(INFERENCE_OPTIONS) private readonly options: InferenceModuleOptions,
    private readonly database: DatabaseService,
    private readonly registry: ModelRegistryService,
  ) {}

  onApplicationBootstrap(): void {
    const enabled = this.options.seedDemoModel;
    if (!enabled) return;
    this.database.onReady(() => this.seed());
  }

  async seed(): Promise<void> {
    try {
      // The bootstrap admin's organization. Ready hooks run in registration order, and the identity
      // module (which creates it on first start) registers before this one.
      const org = await this.database.repository(OrganizationEntity).findOneBy({ name: PLATFORM_ORG_NAME });
      if (!org) {
        this.logger.warn({ event: 'inference.demo_model.no_platform_org' }, 'no platform organization; demo model not registered');
        return;
      }
      const ensured = await this.registry.ensureModel({
        orgId: org.id,
        name: CREDIT_RISK_DEMO.modelName,
        description: CREDIT_RISK_DEMO.description,
        tags: ['demo', 'onnx', 'tabular'],
        sensitivity: 'public',
        version: {
          backend: 'onnx',
          endpoint: { kind: 'onnx', modelPath: CREDIT_RISK_DEMO.modelPath },
          inputContract: creditRiskContract(),
          outputSchema: { outputs: [{ name: CREDIT_RISK_DEMO.outputName, datatype: 'FP32', shape: [-1, 1] }] },
          cost: { units: 1, per: 'element' },
        },
        reason: 'bundled demo model, registered on first start',
      });
      if (ensured.created) {
        this.logger.log({ event: 'inference.demo_model.registered', model: CREDIT_RISK_DEMO.modelName }, 'demo model registered');
      }
    } catch (error) {
      this.logger.error({ event: 'inference.demo_model.failed', err: error }, 'demo model could not be registered');
    }
  }
}
