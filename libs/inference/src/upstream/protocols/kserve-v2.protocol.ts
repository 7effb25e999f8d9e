import type { HttpEndpoint } from '@infergate/model-registry';
import { UpstreamMalformedError } from '../../resilience/upstream.errors';
import type { UpstreamResponse } from '../upstream.types';
import { parseUpstreamJsonObject, upstreamModelName } from './upstream-json';

/** An Open Inference Protocol v2 output tensor. */
export interface KserveOutputTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
  parameters?: Record<string, unknown>;
}

/** An OIP v2 inference response (`outputs` checked; other members passed through). */
export interface KserveInferResponse {
  model_name?: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, unknown>;
  outputs: KserveOutputTensor[];
  [member: string]: unknown;
}

/** The model segment of a v2 path: `/v2/models/{name}[/versions/{version}]`, each part URL-encoded. */
function modelSegment(endpoint: HttpEndpoint, registryName: string, upstreamVersion?: string): string {
  const name = encodeURIComponent(upstreamModelName(endpoint, registryName));
  return upstreamVersion === undefined ? `/v2/models/${name}` : `/v2/models/${name}/versions/${encodeURIComponent(upstreamVersion)}`;
}

/** KServe v2 / Open Inference Protocol paths of a model on its server. */
export const kserveV2 = {
  inferPath: (endpoint: HttpEndpoint, registryName: string, upstreamVersion?: string): string =>
    `${modelSegment(endpoint, registryName, upstreamVersion)}/infer`,
  metadataPath: (endpoint: HttpEndpoint, registryName: string, upstreamVersion?: string): string =>
    modelSegment(endpoint, registryName, upstreamVersion),
  readyPath: (endpoint: HttpEndpoint, registryName: string, upstreamVersion?: string): string =>
    `${modelSegment(endpoint, registryName, upstreamVersion)}/ready`,

  /** A successful infer answer must be a JSON object with an `outputs` array of tensors. */
  parseInferResponse(response: UpstreamResponse): KserveInferResponse {
    const value = parseUpstreamJsonObject(response);
    const outputs = value.outputs;
    if (!Array.isArray(outputs) || !outputs.every(isTensor)) throw new UpstreamMalformedError('missing-outputs');
    return value as KserveInferResponse;
  },

  /** Model metadata is a JSON object (name, versions, platform, inputs, outputs). */
  parseMetadataResponse(response: UpstreamResponse): Record<string, unknown> {
    return parseUpstreamJsonObject(response);
  },

  /** Ready is the status alone: 200 ready, anything else not ready (no body needed). */
  isReady(response: UpstreamResponse): boolean {
    return response.status === 200;
  },
};

function isTensor(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const tensor = value as Record<string, unknown>;
  return typeof tensor.name === 'string' && typeof tensor.datatype === 'string' && Array.isArray(tensor.shape);
}
