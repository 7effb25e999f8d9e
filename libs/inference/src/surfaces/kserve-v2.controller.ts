import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, ProblemException } from '@infergate/common';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { KSERVE_V2_REQUEST_SCHEMA, openApiSchemaOf } from '@infergate/validation';
import { InferenceRoute } from '../interceptors/inference-route.decorator';
import { InferenceCall } from './inference-call.decorator';
import { InferenceService } from './inference.service';
import type { CallContext, InferenceBody } from './inference.types';
import { ModelStatusService, type KserveV2Metadata } from './model-status.service';
import { versionReference } from './version-reference';

// The envelope schema the contract check enforces (libs/validation), with an example of the demo model.
const V2_BODY = {
  description: 'Open Inference Protocol v2 inference request: `inputs` are tensors named after the contract features.',
  schema: {
    ...(openApiSchemaOf(KSERVE_V2_REQUEST_SCHEMA) as object),
    example: {
      inputs: [
        { name: 'income', datatype: 'FP64', shape: [1], data: [52000] },
        { name: 'debt_ratio', datatype: 'FP64', shape: [1], data: [0.35] },
      ],
    },
  },
};

/** Not ready: 503, so that OIP clients and probes that only look at the status code see it. */
class ModelNotReadyException extends ProblemException {
  constructor() {
    super({
      status: 503,
      slug: 'model-not-ready',
      title: 'Service Unavailable',
      detail: 'The model cannot take calls right now.',
      headers: { 'Retry-After': '5' },
    });
  }
}

/**
 * The KServe Open Inference Protocol v2 surface (REST/JSON), so that existing OIP clients work
 * through the gateway unchanged: infer, model metadata and model readiness, by model and by version.
 * A version segment is a version number, or an alias name.
 */
@ApiTags('inference (KServe v2)')
@ApiBearerAuth()
@Controller('v2/models')
export class KserveV2Controller {
  constructor(
    private readonly inference: InferenceService,
    private readonly status: ModelStatusService,
  ) {}

  @Post(':model/infer')
  @InferenceRoute('kserve-v2')
  @CheckPolicies('infer', 'Model')
  @ApiOperation({ summary: "OIP v2 inference with the model's production version." })
  @ApiBody(V2_BODY)
  infer(@InferenceCall() call: CallContext, @Param('model') model: string, @Body() body: unknown): Promise<InferenceBody> {
    return this.inference.kserve(call, model, undefined, body);
  }

  @Post(':model/versions/:version/infer')
  @InferenceRoute('kserve-v2')
  @CheckPolicies('infer', 'Model')
  @ApiOperation({ summary: 'OIP v2 inference with one version (number) or the version of an alias (name).' })
  @ApiBody(V2_BODY)
  inferVersion(
    @InferenceCall() call: CallContext,
    @Param('model') model: string,
    @Param('version') version: string,
    @Body() body: unknown,
  ): Promise<InferenceBody> {
    return this.inference.kserve(call, model, versionReference(version), body);
  }

  @Get(':model')
  @CheckPolicies('infer', 'Model')
  @ApiOperation({ summary: 'OIP v2 model metadata: name, versions, platform, input and output tensors.' })
  metadata(@CurrentPrincipal() principal: Principal, @Param('model') model: string): Promise<KserveV2Metadata> {
    return this.status.metadata(principal, model, undefined);
  }

  @Get(':model/ready')
  @CheckPolicies('infer', 'Model')
  @ApiOperation({ summary: 'OIP v2 model readiness: 200 when it can take calls, 503 otherwise.' })
  ready(@CurrentPrincipal() principal: Principal, @Param('model') model: string): Promise<{ name: string; ready: boolean }> {
    return this.readyOr503(principal, model, undefined);
  }

  @Get(':model/versions/:version')
  @CheckPolicies('infer', 'Model')
  @ApiOperation({ summary: 'OIP v2 metadata of one version.' })
  versionMetadata(
    @CurrentPrincipal() principal: Principal,
    @Param('model') model: string,
    @Param('version') version: string,
  ): Promise<KserveV2Metadata> {
    return this.status.metadata(principal, model, versionReference(version));
  }

  @Get(':model/versions/:version/ready')
  @CheckPolicies('infer', 'Model')
  @ApiOperation({ summary: 'OIP v2 readiness of one version.' })
  versionReady(
    @CurrentPrincipal() principal: Principal,
    @Param('model') model: string,
    @Param('version') version: string,
  ): Promise<{ name: string; ready: boolean }> {
    return this.readyOr503(principal, model, versionReference(version));
  }

  private async readyOr503(principal: Principal, model: string, reference: ReturnType<typeof versionReference>) {
    const answer = await this.status.ready(principal, model, reference);
    if (!answer.ready) throw new ModelNotReadyException();
    return answer;
  }
}
