import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { MODEL_RESOLVER, type ModelResolver, type ResolvedModelVersion, type VersionReference } from '@infergate/model-registry';
import { GatewayMetrics, SPAN_NAMES, traced } from '@infergate/observability';
import { ContractCompiler, contractCheckException, type CompiledContract, type ContractCheck } from '@infergate/validation';
import type { ModelBackend } from '../backends/model-backend';
import { ModelBackendRegistry } from '../backends/model-backend.registry';
import type { OpenAiOperation } from '../upstream/protocols/openai.protocol';
import { SSE_HEADERS } from './answer';
import { InferenceCostCharger, callCost } from './inference-cost';
import type { CallContext, InferenceBody } from './inference.types';
import type { NativeRequest } from './native-rows';
import { PiiScreen } from './pii-screen';
import type { KserveV2Request } from './tensors';

/** The OpenAI operations and their contract-check kind. */
export const OPENAI_OPERATIONS: Record<OpenAiOperation, 'chat' | 'completions' | 'embeddings'> = {
  'chat/completions': 'chat',
  completions: 'completions',
  embeddings: 'embeddings',
};

/** What differs between the surfaces: how the body is checked, and how the backend's answer is shaped. */
interface SurfacePlan {
  check(compiled: CompiledContract, body: unknown): ContractCheck;
  execute(backend: ModelBackend, resolved: ResolvedModelVersion, body: unknown, call: CallContext): Promise<InferenceBody>;
}

/** `{model, version, outputs}`: the registry's names, the backend's outputs. */
const NATIVE: SurfacePlan = {
  check: (compiled, body) => compiled.validateNative(body),
  async execute(backend, resolved, body, call) {
    const outputs = await backend.native!(resolved, body as NativeRequest, call);
    return { model: resolved.model.name, version: resolved.version.version, outputs };
  },
};

/** An OIP v2 inference response: the registry's names, the request's `id`, the backend's output tensors. */
const KSERVE_V2: SurfacePlan = {
  check: (compiled, body) => compiled.validateKserveV2(body),
  async execute(backend, resolved, body, call) {
    const request = body as KserveV2Request;
    const outputs = await backend.kserve!(resolved, request, call);
    return {
      model_name: resolved.model.name,
      model_version: String(resolved.version.version),
      ...(request.id !== undefined ? { id: request.id } : {}),
      outputs,
    };
  },
};

/** The OpenAI answer as the backend gives it (JSON, or the SSE stream with its headers). */
function openAiPlan(operation: OpenAiOperation): SurfacePlan {
  const kind = OPENAI_OPERATIONS[operation];
  return {
    check: (compiled, body) => compiled.validateOpenAI(kind, body),
    async execute(backend, resolved, body, call) {
      const answer = await backend.openai!(resolved, operation, body as Record<string, unknown>, call);
      if (!(answer instanceof Readable)) return answer;
      call.streaming = true;
      void call.reply.headers(SSE_HEADERS);
      return answer;
    },
  };
}

const OPENAI: Record<OpenAiOperation, SurfacePlan> = {
  'chat/completions': openAiPlan('chat/completions'),
  completions: openAiPlan('completions'),
  embeddings: openAiPlan('embeddings'),
};

/**
 * One inference call, whatever the surface, as a thin orchestrator:
 * resolve (principal, model, version/alias; 404 across organizations, 403 for data residency) →
 * the version's ModelBackend (400 unsupported-protocol before the contract check: a body for another
 * protocol would only collect misleading violations) → contract check (compiled once per `cacheKey`;
 * 400 malformed / 422 violation, nothing sent upstream) → PII input rule (reject 422 naming detector
 * types only, or forward a redacted copy) → the rest of the quota cost (per element) → the backend.
 *
 * What surrounds the call (audit, metrics, the span, Deprecation/Sunset, Idempotency-Key replay, the
 * PII output rule) is done by the interceptors of @InferenceRoute(), which read what this service
 * resolved from the CallContext.
 */
@Injectable()
export class InferenceService {
  constructor(
    @Inject(MODEL_RESOLVER) private readonly resolver: ModelResolver,
    private readonly compiler: ContractCompiler,
    private readonly pii: PiiScreen,
    private readonly backends: ModelBackendRegistry,
    private readonly cost: InferenceCostCharger,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** `POST /v1/models/{model}[/versions/{version}]/infer`: `{inputs: {...}}` or `{instances: [...]}`. */
  native(call: CallContext, model: string, reference: VersionReference, body: unknown): Promise<InferenceBody> {
    return this.call(call, model, reference, body, NATIVE);
  }

  /** `POST /v2/models/{model}[/versions/{version}]/infer`: an Open Inference Protocol v2 request. */
  kserve(call: CallContext, model: string, reference: VersionReference, body: unknown): Promise<InferenceBody> {
    return this.call(call, model, reference, body, KSERVE_V2);
  }

  /** `POST /openai/v1/{operation}`: the `model` field names the registry model (see openAiModelReference). */
  openai(call: CallContext, operation: OpenAiOperation, model: string, reference: VersionReference, body: unknown): Promise<InferenceBody> {
    return this.call(call, model, reference, body, OPENAI[operation]);
  }

  private async call(
    call: CallContext,
    model: string,
    reference: VersionReference,
    body: unknown,
    plan: SurfacePlan,
  ): Promise<InferenceBody> {
    const target = await this.resolver.resolve(call.principal, model, reference);
    call.resolved = target;
    const backend = this.backends.for(target.version.backend, call.surface);
    const compiled = this.compiler.compile(target.cacheKey, target.version.inputContract);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- traced() calls it on `plan`, without a closure per call
    const check = traced(SPAN_NAMES.validateContract, plan.check, plan, compiled, body);
    if (!check.ok) {
      this.metrics.validationFailures.inc({ model: target.model.name, surface: call.surface });
      throw contractCheckException(check);
    }
    const forwarded = this.pii.screenInput(target, body, call.notes);
    await this.cost.chargeRemainder(call.request, callCost(target.version.cost, check.elements));
    // A replayed Idempotency-Key answer is only given to a caller who may still make the call, and pays for it.
    if (call.replay !== undefined) return call.replay.body;
    return plan.execute(backend, target, forwarded, call);
  }
}
