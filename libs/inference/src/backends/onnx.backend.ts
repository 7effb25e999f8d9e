import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedModelVersion } from '@infergate/model-registry';
import { OnnxBackend } from '../onnx/onnx-backend';
import { UnsupportedSurfaceException } from '../surfaces/inference.errors';
import type { CallContext } from '../surfaces/inference.types';
import { flatInputs, nativeRows, rowsToTensors, tensorsToRows, type NativeRequest } from '../surfaces/native-rows';
import type { KserveV2Request, NamedTensor } from '../surfaces/tensors';
import { pick, timedBackendCall } from './backend-call';
import { InferenceBackend, type ModelBackend } from './model-backend';
import { INFERENCE_OPTIONS, type InferenceModuleOptions } from '../inference.options';

/**
 * `onnx`: the version's model file run in-process by onnxruntime (OnnxBackend), within the total
 * deadline. Native rows become one tensor per contract feature (or the packed input the graph
 * takes); OIP v2 tensors are fed as they are. No OpenAI surface.
 */
@Injectable()
@InferenceBackend('onnx')
export class OnnxModelBackend implements ModelBackend {
  constructor(
    private readonly onnx: OnnxBackend,
    @Inject(INFERENCE_OPTIONS) private readonly options: InferenceModuleOptions,
  ) {}

  async native(resolved: ResolvedModelVersion, body: NativeRequest, call: CallContext): Promise<unknown> {
    const { rows, single } = nativeRows(body);
    const tensors = await this.run(resolved, rowsToTensors(rows, resolved.version.inputContract), call);
    return pick(tensorsToRows(tensors, rows.length), single);
  }

  kserve(resolved: ResolvedModelVersion, body: KserveV2Request, call: CallContext): Promise<NamedTensor[]> {
    return this.run(resolved, flatInputs(body), call);
  }

  private run(resolved: ResolvedModelVersion, inputs: NamedTensor[], call: CallContext): Promise<NamedTensor[]> {
    const endpoint = resolved.version.endpoint;
    if (endpoint.kind !== 'onnx') throw new UnsupportedSurfaceException('This model has no model file.');
    return timedBackendCall(call, () =>
      this.onnx.infer(endpoint.modelPath, inputs, resolved.version.inputContract.features, this.options.totalTimeoutMs),
    );
  }
}
