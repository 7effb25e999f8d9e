import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@infergate/contracts';
import {
  MODEL_RESOLVER,
  ModelsService,
  ModelVersionsService,
  type ModelResolver,
  type ResolvedModelVersion,
  type VersionReference,
} from '@infergate/model-registry';
import type { Feature, TensorDatatype } from '@infergate/validation';
import { OnnxBackend, type OnnxTensorMetadata } from '../onnx/onnx-backend';
import { UpstreamGuards } from '../resilience/upstream-guards';

/** OIP v2 model metadata (`GET /v2/models/{model}[/versions/{v}]`). */
export interface KserveV2Metadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: OnnxTensorMetadata[];
  outputs: OnnxTensorMetadata[];
}

/** The `platform` reported per backend: onnxruntime's KServe name for in-process files, the protocol otherwise. */
const PLATFORMS: Record<string, string> = {
  onnx: 'onnxruntime_onnx',
  'kserve-v2': 'kserve_v2',
  'http-json': 'http_json',
  openai: 'openai',
};

/** An OpenAI `GET /models` entry. */
export interface OpenAiModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/**
 * What the metadata, ready and model-list routes answer, without calling a model: metadata from the
 * version's input contract (and the ONNX graph's outputs), readiness from the resolver (the caller may
 * call it), the model file (loads) or the upstream's circuit breaker (not open).
 */
@Injectable()
export class ModelStatusService {
  constructor(
    @Inject(MODEL_RESOLVER) private readonly resolver: ModelResolver,
    private readonly models: ModelsService,
    private readonly versions: ModelVersionsService,
    private readonly onnx: OnnxBackend,
    private readonly guards: UpstreamGuards,
  ) {}

  async metadata(principal: Principal, model: string, reference: VersionReference): Promise<KserveV2Metadata> {
    const resolved = await this.resolver.resolve(principal, model, reference);
    const versions = reference === undefined ? await this.callableVersions(principal, resolved) : [String(resolved.version.version)];
    return {
      name: resolved.model.name,
      versions,
      platform: PLATFORMS[resolved.version.backend] ?? resolved.version.backend,
      inputs: resolved.version.inputContract.features.map(tensorMetadata),
      outputs: await this.outputs(resolved),
    };
  }

  /** Ready: resolvable for this caller, and its backend can take a call now. */
  async ready(principal: Principal, model: string, reference: VersionReference): Promise<{ name: string; ready: boolean }> {
    const resolved = await this.resolver.resolve(principal, model, reference);
    return { name: resolved.model.name, ready: await this.backendReady(resolved) };
  }

  /** Models the caller may call over the OpenAI surface: production versions with the `openai` backend. */
  async openAiModels(principal: Principal): Promise<OpenAiModelEntry[]> {
    const entries: OpenAiModelEntry[] = [];
    for (let offset = 0; offset < 10_000; offset += 200) {
      const page = await this.models.list(principal, { limit: 200, offset, stage: 'production', status: 'active' });
      for (const model of page.items) {
        const resolved = await this.resolver.resolve(principal, model.id).catch(() => undefined);
        if (resolved?.version.backend !== 'openai') continue;
        entries.push({
          id: model.name,
          object: 'model',
          created: Math.floor(new Date(model.createdAt).getTime() / 1000),
          owned_by: model.owner,
        });
      }
      if (page.items.length < 200) break;
    }
    return entries;
  }

  private async backendReady(resolved: ResolvedModelVersion): Promise<boolean> {
    const endpoint = resolved.version.endpoint;
    if (endpoint.kind === 'onnx') {
      return this.onnx.metadata(endpoint.modelPath).then(
        () => true,
        () => false,
      );
    }
    const origin = originOf(endpoint.url);
    return origin !== undefined && this.guards.for(origin, endpoint.maxInFlight).breaker.state !== 'open';
  }

  private async outputs(resolved: ResolvedModelVersion): Promise<OnnxTensorMetadata[]> {
    const endpoint = resolved.version.endpoint;
    if (endpoint.kind === 'onnx') return (await this.onnx.metadata(endpoint.modelPath).catch(() => undefined))?.outputs ?? [];
    const declared = resolved.version.outputSchema?.outputs;
    return Array.isArray(declared) ? (declared.filter(isTensorMetadata) as OnnxTensorMetadata[]) : [];
  }

  private async callableVersions(principal: Principal, resolved: ResolvedModelVersion): Promise<string[]> {
    const page = await this.versions
      .list(principal, resolved.model.id, { limit: 200, offset: 0, status: 'active' })
      .catch(() => ({ items: [] as Array<{ version: number; stage: string }> }));
    const listed = page.items
      .filter((version) => version.stage !== 'archived' && version.stage !== 'draft')
      .map((version) => String(version.version));
    return listed.length > 0 ? listed : [String(resolved.version.version)];
  }
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** A contract feature as OIP tensor metadata: single-valued features are [-1] batches of their datatype. */
function tensorMetadata(feature: Feature): OnnxTensorMetadata {
  if (feature.type === 'tensor') return { name: feature.name, datatype: feature.datatype ?? 'FP32', shape: feature.shape ?? [-1] };
  const datatype: TensorDatatype =
    feature.type === 'integer'
      ? 'INT64'
      : feature.type === 'number'
        ? 'FP64'
        : feature.type === 'boolean'
          ? 'BOOL'
          : feature.type === 'enum' && feature.values?.every((value) => typeof value === 'number')
            ? 'FP64'
            : 'BYTES';
  return { name: feature.name, datatype, shape: [-1] };
}

function isTensorMetadata(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const tensor = value as Record<string, unknown>;
  return typeof tensor.name === 'string' && typeof tensor.datatype === 'string' && Array.isArray(tensor.shape);
}
