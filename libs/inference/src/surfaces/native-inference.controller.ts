import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CheckPolicies } from '@infergate/common';
import { NATIVE_REQUEST_SCHEMA, openApiSchemaOf } from '@infergate/validation';
import { InferenceRoute } from '../interceptors/inference-route.decorator';
import { InferenceCall } from './inference-call.decorator';
import { InferenceService } from './inference.service';
import type { CallContext, InferenceBody } from './inference.types';
import { versionReference } from './version-reference';

// The envelope schema the contract check enforces (libs/validation), with an example of the demo model.
const NATIVE_BODY = {
  description:
    '`{"inputs": {feature: value, ...}}` for one row, or `{"instances": [{...}, ...]}` for a batch, checked against the version\'s input contract.',
  schema: {
    ...(openApiSchemaOf(NATIVE_REQUEST_SCHEMA) as object),
    example: { inputs: { income: 52000, debt_ratio: 0.35, age: 41, credit_lines: 5, late_payments: 1, loan_amount: 15000 } },
  },
};

/**
 * Native inference: the registry model by name (or id), its `production` alias unless a version (or
 * alias) is named. Answers `{model, version, outputs}`: `outputs` is one object of output values for
 * `inputs`, an array of them (one per row) for `instances`; an `http-json` backend's answer is
 * passed as `outputs` (its `outputs` or `predictions` member when it has one).
 */
@ApiTags('inference')
@ApiBearerAuth()
@Controller('v1/models')
export class NativeInferenceController {
  constructor(private readonly inference: InferenceService) {}

  @Post(':model/infer')
  @InferenceRoute('native')
  @CheckPolicies('infer', 'Model')
  @ApiOperation({ summary: "Infer with the model's production version." })
  @ApiBody(NATIVE_BODY)
  infer(@InferenceCall() call: CallContext, @Param('model') model: string, @Body() body: unknown): Promise<InferenceBody> {
    return this.inference.native(call, model, undefined, body);
  }

  @Post(':model/versions/:version/infer')
  @InferenceRoute('native')
  @CheckPolicies('infer', 'Model')
  @ApiOperation({ summary: 'Infer with one version (a number) or the version an alias points at (a name).' })
  @ApiBody(NATIVE_BODY)
  inferVersion(
    @InferenceCall() call: CallContext,
    @Param('model') model: string,
    @Param('version') version: string,
    @Body() body: unknown,
  ): Promise<InferenceBody> {
    return this.inference.native(call, model, versionReference(version), body);
  }
}
