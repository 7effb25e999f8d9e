import { Inject, Injectable } from '@nestjs/common';
import { hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { AuditService, type AuditOutcome } from '@infergate/audit';
import { ProblemException } from '@infergate/common';
import {
  deprecationHeaders,
  MODEL_RESOLVER,
  type ModelResolver,
  type ResolvedModelVersion,
  type VersionReference,
} from '@infergate/model-registry';
import { GatewayMetrics, LabelChildren } from '@infergate/observability';
import { ContractCompiler, contractCheckException, type CompiledContract, type ContractCheck } from '@infergate/validation';
import { OnnxBackend } from '../onnx/onnx-backend';
import { IdempotencyService } from '../resilience/idempotency/idempotency.service';
import { failureOutcome, toProblem } from '../resilience/problem-mapping';
import { UpstreamError } from '../resilience/upstream.errors';
import { assertUpstreamSuccess, httpJson, kserveV2, openAi, UpstreamClient, type OpenAiOperation, type UpstreamRequest } from '../upstream';
import { InferenceCostCharger, callCost } from './inference-cost';
import { UnsupportedSurfaceException } from './inference.errors';
import type { BufferedAnswer, CallContext, InferenceAnswer, InferenceSurface } from './inference.types';
import { flatInputs, nativeRows, rowsToTensors, tensorsToRows, type NativeRequest } from './native-rows';
import { PiiScreen, type PiiNotes } from './pii-screen';
import type { KserveV2Request, KserveV2Response, NamedTensor } from './tensors';
import { INFERENCE_OPTIONS, type InferenceModuleOptions } from '../inference.options';

const JSON_TYPE = 'application/json; charset=utf-8';

/** The OpenAI operations and their contract-check kind. */
export const OPENAI_OPERATIONS: Record<OpenAiOperation, 'chat' | 'completions' | 'embeddings'> = {
  'chat/completions': 'chat',
  completions: 'completions',
  embeddings: 'embeddings',
};

/** What differs between the surfaces: how the body is checked, and how the resolved version is called. */
interface SurfacePlan {
  surface: InferenceSurface;
  check(compiled: CompiledContract, body: unknown): ContractCheck;
  execute(resolved: ResolvedModelVersion, body: unknown, ctx: CallContext, idempotent: boolean, notes: PiiNotes): Promise<InferenceAnswer>;
}

/**
 * One inference call, whatever the surface:
 * resolve (principal, model, version/alias; 404 across organizations, 403 for data residency) →
 * contract check (compiled once per `cacheKey`; 400 malformed / 422 violation, nothing sent upstream) →
 * PII input rule (reject 422 naming detector types only, or forward a redacted copy) →
 * the rest of the quota cost (per element) → the backend (in-process ONNX, or the upstream client
 * with deadlines, retries, breaker, bulkhead; Idempotency-Key replay) → PII output rule (block 502,
 * or redact) → answer with Deprecation/Sunset headers. Every call is audited (`inference.call`, with a
 * SHA-256 digest of the input, never the input) and counted in the inference metrics.
 */
@Injectable()
export class InferenceService {
  private readonly durations = new LabelChildren((model, version, backend) =>
    this.metrics.inferenceDuration.labels(model, version, backend),
  );
  private readonly calls = new LabelChildren((model, version, backend, outcome) =>
    this.metrics.inferenceRequests.labels(model, version, backend, outcome),
  );

  constructor(
    @Inject(MODEL_RESOLVER) private readonly resolver: ModelResolver,
    private readonly compiler: ContractCompiler,
    private readonly pii: PiiScreen,
    private readonly onnx: OnnxBackend,
    private readonly upstream: UpstreamClient,
    private readonly idempotency: IdempotencyService,
    private readonly cost: InferenceCostCharger,
    private readonly metrics: GatewayMetrics,
    private readonly audit: AuditService,
    @Inject(INFERENCE_OPTIONS) private readonly options: InferenceModuleOptions,
  ) {}

  /** `POST /v1/models/{model}[/versions/{version}]/infer`: `{inputs: {...}}` or `{instances: [...]}`. */
  native(ctx: CallContext, model: string, reference: VersionReference, body: unknown): Promise<InferenceAnswer> {
    return this.call(ctx, model, reference, body, {
      surface: 'native',
      check: (compiled, value) => compiled.validateNative(value),
      execute: (resolved, value, call, idempotent, notes) => this.executeNative(resolved, value as NativeRequest, call, idempotent, notes),
    });
  }

  /** `POST /v2/models/{model}[/versions/{version}]/infer`: an Open Inference Protocol v2 request. */
  kserve(ctx: CallContext, model: string, reference: VersionReference, body: unknown): Promise<InferenceAnswer> {
    return this.call(ctx, model, reference, body, {
      surface: 'kserve-v2',
      check: (compiled, value) => compiled.validateKserveV2(value),
      execute: (resolved, value, call, idempotent, notes) =>
        this.executeKserve(resolved, value as KserveV2Request, call, idempotent, notes),
    });
  }

  /** `POST /openai/v1/{operation}`: the `model` field names the registry model (see openAiModelReference). */
  openai(
    ctx: CallContext,
    operation: OpenAiOperation,
    model: string,
    reference: VersionReference,
    body: unknown,
  ): Promise<InferenceAnswer> {
    const kind = OPENAI_OPERATIONS[operation];
    return this.call(ctx, model, reference, body, {
      surface: 'openai',
      check: (compiled, value) => compiled.validateOpenAI(kind, value),
      execute: (resolved, value, call, idempotent, notes) =>
        this.executeOpenAi(resolved, operation, value as Record<string, unknown>, call, idempotent, notes),
    });
  }

  private async call(
    ctx: CallContext,
    model: string,
    reference: VersionReference,
    body: unknown,
    plan: SurfacePlan,
  ): Promise<InferenceAnswer> {
    const started = performance.now();
    const inputDigest = hash('sha256', JSON.stringify(body) ?? '', 'hex');
    const notes: PiiNotes = {};
    let resolved: ResolvedModelVersion | undefined;
    try {
      resolved = await this.resolver.resolve(ctx.principal, model, reference);
      const target = resolved;
      // Before the contract check: a body for another protocol would only collect misleading violations.
      const refusal = surfaceRefusal(plan.surface, target.version.backend);
      if (refusal) throw new UnsupportedSurfaceException(refusal);
      const compiled = this.compiler.compile(target.cacheKey, target.version.inputContract);
      const check = plan.check(compiled, body);
      if (!check.ok) {
        this.metrics.validationFailures.inc({ model: target.model.name, surface: plan.surface });
        throw contractCheckException(check);
      }
      const forwarded = this.pii.screenInput(target, body, notes);
      await this.cost.chargeRemainder(ctx.request, callCost(target.version.cost, check.elements));

      const key = IdempotencyService.parseKey(ctx.request.headers['idempotency-key']);
      const streaming = plan.surface === 'openai' && openAi.isStreaming(forwarded as Record<string, unknown>);
      let answer: InferenceAnswer;
      if (key === undefined || streaming) {
        answer = await plan.execute(target, forwarded, ctx, false, notes);
      } else {
        const result = await this.idempotency.run({ subject: ctx.principal.subject, key, body: JSON.stringify(body) }, async () => {
          const fresh = await plan.execute(target, forwarded, ctx, true, notes);
          if (fresh.kind !== 'buffered') throw new TypeError('an idempotent answer must be buffered');
          return fresh;
        });
        answer = result.replayed
          ? { kind: 'buffered', ...result.response, headers: { ...result.response.headers, 'idempotent-replayed': 'true' } }
          : (result.response as BufferedAnswer);
      }
      answer.headers = { ...deprecationHeaders(target), ...answer.headers };
      if (answer.kind === 'stream') {
        this.finishWhenStreamEnds(answer.body, ctx, plan.surface, target, inputDigest, started, notes);
      } else {
        this.finish(ctx, plan.surface, target, inputDigest, started, answer.status, 'ok', notes);
      }
      return answer;
    } catch (error) {
      const problem = error instanceof ProblemException ? error : undefined;
      const status = problem?.status ?? 500;
      this.finish(ctx, plan.surface, resolved, inputDigest, started, status, outcomeOf(error, status), notes);
      throw error;
    }
  }

  // ---- native ------------------------------------------------------------------------------------

  private async executeNative(
    resolved: ResolvedModelVersion,
    body: NativeRequest,
    ctx: CallContext,
    idempotent: boolean,
    notes: PiiNotes,
  ): Promise<BufferedAnswer> {
    const { rows, single } = nativeRows(body);
    const contract = resolved.version.inputContract;
    let outputs: unknown;
    switch (resolved.version.backend) {
      case 'onnx': {
        const tensors = await this.runOnnx(resolved, rowsToTensors(rows, contract));
        outputs = pick(tensorsToRows(tensors, rows.length), single);
        break;
      }
      case 'kserve-v2': {
        const response = await this.kserveUpstream(resolved, { id: ctx.requestId, inputs: rowsToTensors(rows, contract) }, ctx, idempotent);
        outputs = pick(tensorsToRows(flatOutputs(response.outputs), rows.length), single);
        break;
      }
      case 'http-json': {
        const request = this.upstreamRequest(ctx, httpJson.path, httpJson.requestBody(body), idempotent);
        const answer = await this.timed(resolved, () => this.upstream.send(resolved, request));
        const value = httpJson.parseResponse(answer);
        outputs = value.outputs ?? value.predictions ?? value;
        break;
      }
      default:
        throw new UnsupportedSurfaceException('This model is served by an OpenAI-compatible backend; use /openai/v1.');
    }
    const response = {
      model: resolved.model.name,
      version: resolved.version.version,
      outputs: this.pii.screenOutput(resolved, outputs, notes),
    };
    return json(200, response);
  }

  // ---- KServe v2 ---------------------------------------------------------------------------------

  private async executeKserve(
    resolved: ResolvedModelVersion,
    body: KserveV2Request,
    ctx: CallContext,
    idempotent: boolean,
    notes: PiiNotes,
  ): Promise<BufferedAnswer> {
    let outputs: NamedTensor[];
    switch (resolved.version.backend) {
      case 'onnx':
        outputs = await this.runOnnx(resolved, flatInputs(body));
        break;
      case 'kserve-v2':
        outputs = (await this.kserveUpstream(resolved, body, ctx, idempotent)).outputs as NamedTensor[];
        break;
      default:
        throw new UnsupportedSurfaceException(
          resolved.version.backend === 'openai'
            ? 'This model is served by an OpenAI-compatible backend; use /openai/v1.'
            : 'This model is not served over the Open Inference Protocol; use /v1/models/{model}/infer.',
        );
    }
    const response: KserveV2Response = {
      model_name: resolved.model.name,
      model_version: String(resolved.version.version),
      ...(body.id !== undefined ? { id: body.id } : {}),
      outputs: this.pii.screenOutput(resolved, outputs, notes),
    };
    return json(200, response);
  }

  private async kserveUpstream(resolved: ResolvedModelVersion, body: KserveV2Request, ctx: CallContext, idempotent: boolean) {
    const endpoint = resolved.version.endpoint;
    if (endpoint.kind !== 'http') throw new UnsupportedSurfaceException('This model has no model server.');
    const request = this.upstreamRequest(
      ctx,
      kserveV2.inferPath(endpoint, resolved.model.name),
      Buffer.from(JSON.stringify(body)),
      idempotent,
    );
    const answer = await this.timed(resolved, () => this.upstream.send(resolved, request));
    return kserveV2.parseInferResponse(answer);
  }

  // ---- OpenAI ------------------------------------------------------------------------------------

  private async executeOpenAi(
    resolved: ResolvedModelVersion,
    operation: OpenAiOperation,
    body: Record<string, unknown>,
    ctx: CallContext,
    idempotent: boolean,
    notes: PiiNotes,
  ): Promise<InferenceAnswer> {
    const endpoint = resolved.version.endpoint;
    if (endpoint.kind !== 'http') throw new UnsupportedSurfaceException('This model has no model server.');
    const request = this.upstreamRequest(ctx, openAi.path(operation), openAi.requestBody(body, endpoint, resolved.model.name), idempotent);
    if (openAi.isStreaming(body)) {
      this.pii.assertStreamable(resolved);
      const started = performance.now();
      const stream = await this.upstream.stream(resolved, request).catch((error: unknown) => {
        throw toProblem(error);
      });
      if (stream.status < 200 || stream.status >= 300) {
        stream.abort();
        assertUpstreamSuccess(stream);
      }
      stream.body.once('close', () => this.observeDuration(resolved, started));
      return { kind: 'stream', status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' }, body: stream.body };
    }
    const answer = await this.timed(resolved, () => this.upstream.send(resolved, request));
    const value = openAi.parseResponse(answer, resolved.model.name);
    return json(200, this.pii.screenOutput(resolved, value, notes));
  }

  // ---- backends ----------------------------------------------------------------------------------

  private runOnnx(resolved: ResolvedModelVersion, inputs: NamedTensor[]): Promise<NamedTensor[]> {
    const endpoint = resolved.version.endpoint;
    if (endpoint.kind !== 'onnx') throw new UnsupportedSurfaceException('This model has no model file.');
    return this.timed(resolved, () =>
      this.onnx.infer(endpoint.modelPath, inputs, resolved.version.inputContract.features, this.options.totalTimeoutMs),
    );
  }

  private upstreamRequest(ctx: CallContext, path: string, body: Buffer, idempotent: boolean): UpstreamRequest {
    const headers = ctx.request.headers;
    return {
      method: 'POST',
      path,
      headers: { ...headers, 'content-type': 'application/json' },
      body,
      idempotent,
      clientGone: ctx.clientGone,
      traceparent: typeof headers.traceparent === 'string' ? headers.traceparent : undefined,
      tracestate: typeof headers.tracestate === 'string' ? headers.tracestate : undefined,
      requestId: ctx.requestId,
    };
  }

  /** Backend time in the duration histogram; any failure leaves as its problem (never upstream text). */
  private async timed<T>(resolved: ResolvedModelVersion, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } catch (error) {
      throw toProblem(error);
    } finally {
      this.observeDuration(resolved, started);
    }
  }

  private observeDuration(resolved: ResolvedModelVersion, started: number): void {
    const { model, version, backend } = labels(resolved);
    this.durations.of(model, version, backend).observe((performance.now() - started) / 1000);
  }

  // ---- audit and metrics -------------------------------------------------------------------------

  private finishWhenStreamEnds(
    body: NodeJS.ReadableStream,
    ctx: CallContext,
    surface: InferenceSurface,
    resolved: ResolvedModelVersion,
    digest: string,
    started: number,
    notes: PiiNotes,
  ): void {
    let completed = false;
    body.once('end', () => (completed = true));
    (body as Readable).once('close', () => {
      this.finish(ctx, surface, resolved, digest, started, completed ? 200 : 499, completed ? 'ok' : 'rejected', notes);
    });
  }

  private finish(
    ctx: CallContext,
    surface: InferenceSurface,
    resolved: ResolvedModelVersion | undefined,
    inputDigest: string,
    started: number,
    status: number,
    outcome: string,
    notes: PiiNotes,
  ): void {
    const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    const { model, version, backend } = resolved ? labels(resolved) : { model: '-', version: '-', backend: '-' };
    this.calls.of(model, version, backend, outcome).inc();
    void this.audit.record({
      action: 'inference.call',
      outcome: auditOutcome(status),
      actor: { type: ctx.principal.kind, id: ctx.principal.subject },
      ...(resolved ? { orgId: resolved.model.orgId } : ctx.principal.orgId ? { orgId: ctx.principal.orgId } : {}),
      resource: resolved ? { type: 'ModelVersion', id: resolved.version.id } : { type: 'Model' },
      requestId: ctx.requestId,
      ...(status >= 400 ? { reason: outcome } : {}),
      details: {
        surface,
        model: resolved?.model.name ?? null,
        version: resolved?.version.version ?? null,
        backend: resolved?.version.backend ?? null,
        status,
        latencyMs,
        inputDigest: `sha256:${inputDigest}`,
        ...notes,
      },
    });
  }
}

/** Which backends each surface can call; why not, otherwise. */
function surfaceRefusal(surface: InferenceSurface, backend: ResolvedModelVersion['version']['backend']): string | undefined {
  if (surface === 'openai') {
    return backend === 'openai'
      ? undefined
      : 'This model is not served by an OpenAI-compatible backend; use /v1/models/{model}/infer or /v2/models/{model}/infer.';
  }
  if (backend === 'openai') return 'This model is served by an OpenAI-compatible backend; use /openai/v1.';
  if (surface === 'kserve-v2' && backend === 'http-json') {
    return 'This model is not served over the Open Inference Protocol; use /v1/models/{model}/infer.';
  }
  return undefined;
}

function labels(resolved: ResolvedModelVersion): { model: string; version: string; backend: string } {
  return { model: resolved.model.name, version: String(resolved.version.version), backend: resolved.version.backend };
}

function outcomeOf(error: unknown, status: number): string {
  if (error instanceof UpstreamError) return failureOutcome(error);
  if (error instanceof ProblemException && (error.type.endsWith(':pii-detected') || error.type.endsWith(':output-blocked')))
    return 'rejected';
  if (status === 504) return 'timeout';
  if (status >= 400 && status < 500) return 'client_error';
  return 'upstream_error';
}

function auditOutcome(status: number): AuditOutcome {
  if (status < 400) return 'success';
  if (status === 401 || status === 403 || status === 404) return 'denied';
  return 'failure';
}

function json(status: number, value: unknown): BufferedAnswer {
  return { kind: 'buffered', status, headers: { 'content-type': JSON_TYPE }, body: Buffer.from(JSON.stringify(value)) };
}

function pick<T>(rows: T[], single: boolean): T | T[] {
  return single ? rows[0] : rows;
}

/** Upstream OIP outputs with nested `data` flattened (OIP allows either). */
function flatOutputs(outputs: Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }>): NamedTensor[] {
  return outputs.map((output) => ({
    name: output.name,
    datatype: output.datatype as NamedTensor['datatype'],
    shape: output.shape,
    data: output.data.flat(Infinity) as NamedTensor['data'],
  }));
}
