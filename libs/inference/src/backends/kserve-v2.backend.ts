import { Injectable } from '@nestjs/common';
import type { ResolvedModelVersion } from '@infergate/model-registry';
import { UnsupportedSurfaceException } from '../surfaces/inference.errors';
import type { CallContext } from '../surfaces/inference.types';
import { nativeRows, rowsToTensors, tensorsToRows, type NativeRequest } from '../surfaces/native-rows';
import type { KserveV2Request, NamedTensor } from '../surfaces/tensors';
import { kserveV2, type KserveInferResponse } from '../upstream/protocols/kserve-v2.protocol';
import { UpstreamClient } from '../upstream/upstream.client';
import { pick, timedBackendCall, upstreamPost } from './backend-call';
import { InferenceBackend, type ModelBackend } from './model-backend';

/**
 * `kserve-v2`: a model server speaking the Open Inference Protocol v2 (KServe, Triton, MLServer,
 * TorchServe's v2 API) over the upstream client (deadlines, retries, breaker, bulkhead). Native rows
 * are sent as one tensor per contract feature and the output tensors come back as rows.
 */
@Injectable()
@InferenceBackend('kserve-v2')
export class KserveV2ModelBackend implements ModelBackend {
  constructor(private readonly upstream: UpstreamClient) {}

  async native(resolved: ResolvedModelVersion, body: NativeRequest, call: CallContext): Promise<unknown> {
    const { rows, single } = nativeRows(body);
    const response = await this.infer(resolved, { id: call.requestId, inputs: rowsToTensors(rows, resolved.version.inputContract) }, call);
    return pick(tensorsToRows(flatOutputs(response.outputs), rows.length), single);
  }

  async kserve(resolved: ResolvedModelVersion, body: KserveV2Request, call: CallContext): Promise<NamedTensor[]> {
    return (await this.infer(resolved, body, call)).outputs as NamedTensor[];
  }

  private async infer(resolved: ResolvedModelVersion, body: KserveV2Request, call: CallContext): Promise<KserveInferResponse> {
    const endpoint = resolved.version.endpoint;
    if (endpoint.kind !== 'http') throw new UnsupportedSurfaceException('This model has no model server.');
    const request = upstreamPost(call, kserveV2.inferPath(endpoint, resolved.model.name), Buffer.from(JSON.stringify(body)));
    const answer = await timedBackendCall(call, () => this.upstream.send(resolved, request));
    return kserveV2.parseInferResponse(answer);
  }
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
