import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, RequestValidationException } from '@infergate/common';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { OPENAI_REQUEST_SCHEMAS, openApiSchemaOf, type OpenAiKind } from '@infergate/validation';
import type { OpenAiOperation } from '../upstream';
import { InferenceRoute } from '../interceptors/inference-route.decorator';
import { InferenceCall } from './inference-call.decorator';
import { InferenceService } from './inference.service';
import type { CallContext, InferenceBody } from './inference.types';
import { ModelStatusService, type OpenAiModelEntry } from './model-status.service';
import { openAiModelReference } from './version-reference';

const MODEL_FIELD =
  '`model` names a registry model (`name`, following its production alias) or one version (`name@3`, `name@champion`); only versions with the `openai` backend are accepted.';

/** The request body as the contract check's ajv schema describes it (OpenAPI dialect), with an example. */
const openAiBody = (kind: OpenAiKind, example: object) => ({
  schema: { ...(openApiSchemaOf(OPENAI_REQUEST_SCHEMAS[kind]) as object), example },
});

/**
 * The OpenAI-compatible surface: request and response bodies as the OpenAI API defines them, the
 * `model` resolved through the registry (and rewritten to the upstream's name), `stream: true`
 * passed through as Server-Sent Events with backpressure, cancelled upstream when the client leaves.
 */
@ApiTags('inference (OpenAI-compatible)')
@ApiBearerAuth()
@Controller('openai/v1')
export class OpenAiController {
  constructor(
    private readonly inference: InferenceService,
    private readonly status: ModelStatusService,
  ) {}

  @Post('chat/completions')
  @InferenceRoute('openai')
  @CheckPolicies('infer', 'Model')
  @ApiOperation({ summary: 'Chat completion (optionally streamed).', description: MODEL_FIELD })
  @ApiBody(openAiBody('chat', { model: 'assistant', messages: [{ role: 'user', content: 'Hello' }] }))
  chat(@InferenceCall() call: CallContext, @Body() body: unknown): Promise<InferenceBody> {
    return this.forward('chat/completions', call, body);
  }

  @Post('completions')
  @InferenceRoute('openai')
  @CheckPolicies('infer', 'Model')
  @ApiOperation({ summary: 'Text completion (optionally streamed).', description: MODEL_FIELD })
  @ApiBody(openAiBody('completions', { model: 'assistant', prompt: 'Once upon a time' }))
  completions(@InferenceCall() call: CallContext, @Body() body: unknown): Promise<InferenceBody> {
    return this.forward('completions', call, body);
  }

  @Post('embeddings')
  @InferenceRoute('openai')
  @CheckPolicies('infer', 'Model')
  @ApiOperation({ summary: 'Embeddings.', description: MODEL_FIELD })
  @ApiBody(openAiBody('embeddings', { model: 'embedder', input: ['some text'] }))
  embeddings(@InferenceCall() call: CallContext, @Body() body: unknown): Promise<InferenceBody> {
    return this.forward('embeddings', call, body);
  }

  @Get('models')
  @CheckPolicies('infer', 'Model')
  @ApiOperation({ summary: 'The models the caller may call over this surface, in OpenAI list format.' })
  async models(@CurrentPrincipal() principal: Principal): Promise<{ object: 'list'; data: OpenAiModelEntry[] }> {
    return { object: 'list', data: await this.status.openAiModels(principal) };
  }

  private forward(operation: OpenAiOperation, call: CallContext, body: unknown): Promise<InferenceBody> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw RequestValidationException.at('', 'must be a JSON object');
    const { model, reference } = openAiModelReference((body as Record<string, unknown>).model);
    return this.inference.openai(call, operation, model, reference, body);
  }
}
