import { Injectable } from '@nestjs/common';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Feature, TensorDatatype } from '@infergate/validation';
import type { NamedTensor } from '../surfaces/tensors';
import { UpstreamTimeoutError } from '../resilience/upstream.errors';
import { ModelExecutionFailedException, ModelInputMismatchException } from './onnx.errors';
import { loadOnnxRuntime, OnnxRuntime, OnnxSessionPool } from './onnx-session-pool';

/** onnxruntime element types ↔ OIP v2 datatypes. */
const TO_DATATYPE: Partial<Record<Tensor.Type, TensorDatatype>> = {
  float32: 'FP32',
  float64: 'FP64',
  float16: 'FP16',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  bool: 'BOOL',
  string: 'BYTES',
};

/** What one model input or output looks like, in OIP v2 metadata terms (-1 for a symbolic dimension). */
export interface OnnxTensorMetadata {
  name: string;
  datatype: TensorDatatype;
  shape: number[];
}

export interface OnnxModelMetadata {
  inputs: OnnxTensorMetadata[];
  outputs: OnnxTensorMetadata[];
}

/**
 * The `onnx` backend: a version's model file executed in-process by onnxruntime-node. Request
 * tensors are converted to the element type the graph declares (a contract's FP64 numbers feed a
 * float32 input), fed by input name, and every graph output comes back as an OIP v2 tensor.
 *
 * Deadlines: onnxruntime cannot cancel a run once started, so the total deadline is enforced where
 * the caller awaits: the client gets its 504 on time and the run's late result is dropped.
 */
@Injectable()
export class OnnxBackend {
  constructor(private readonly pool: OnnxSessionPool) {}

  async metadata(modelPath: string): Promise<OnnxModelMetadata> {
    const session = await this.pool.session(modelPath);
    return { inputs: describe(session.inputMetadata), outputs: describe(session.outputMetadata) };
  }

  /**
   * Runs the graph. `inputs` are matched to graph inputs by name; when the graph has one input and
   * the request names none of it, a tabular request is packed (see `packFeatureTensors`).
   */
  async infer(modelPath: string, inputs: NamedTensor[], features: readonly Feature[], deadlineMs: number): Promise<NamedTensor[]> {
    const deadline = Date.now() + deadlineMs;
    const session = await withDeadline(this.pool.session(modelPath), deadlineMs);
    // Loaded by the session's creation: this only picks up the module.
    const { Tensor } = await loadOnnxRuntime();
    const feeds = this.feeds(Tensor, session, inputs, features);
    let results: InferenceSession.ReturnType;
    try {
      results = await withDeadline(session.run(feeds), Math.max(0, deadline - Date.now()), true);
    } catch (error) {
      if (error instanceof UpstreamTimeoutError) throw error;
      throw new ModelExecutionFailedException();
    }
    return session.outputNames.map((name) => fromOrtTensor(name, results[name]));
  }

  private feeds(
    TensorClass: OnnxRuntime['Tensor'],
    session: InferenceSession,
    inputs: NamedTensor[],
    features: readonly Feature[],
  ): InferenceSession.FeedsType {
    const declared = new Map(session.inputMetadata.map((meta) => [meta.name, meta.isTensor ? meta.type : undefined] as const));
    const byName = new Map(inputs.map((input) => [input.name, input]));
    let supplied = inputs;
    if (session.inputNames.length === 1 && !byName.has(session.inputNames[0])) {
      supplied = [packFeatureTensors(session.inputNames[0], inputs, features)];
    }
    const feeds: Record<string, Tensor> = {};
    for (const input of supplied) {
      const type = declared.get(input.name);
      if (type === undefined) throw new ModelInputMismatchException(`The model has no tensor input named "${input.name}".`);
      feeds[input.name] = toOrtTensor(TensorClass, input, type);
    }
    const missing = session.inputNames.filter((name) => !(name in feeds));
    if (missing.length > 0)
      throw new ModelInputMismatchException(`The model also needs the inputs ${missing.map((m) => `"${m}"`).join(', ')}.`);
    return feeds;
  }
}

/**
 * A tabular request for a one-input graph: one tensor per contract feature, each with `rows`
 * elements (shape [N] or [N,1]), become one [N, F] tensor with the columns in the contract's feature
 * order, which is the order the model was trained on.
 */
export function packFeatureTensors(inputName: string, inputs: NamedTensor[], features: readonly Feature[]): NamedTensor {
  const byName = new Map(inputs.map((input) => [input.name, input]));
  const columns = features.filter((feature) => feature.type !== 'tensor');
  if (columns.length === 0 || columns.length !== features.length) {
    throw new ModelInputMismatchException(`The model's only input is "${inputName}"; send it as one tensor.`);
  }
  const present = columns.map((feature) => byName.get(feature.name));
  const first = present.find((tensor) => tensor !== undefined);
  const rows = first ? first.data.length : 0;
  const data: number[] = new Array<number>(rows * columns.length);
  columns.forEach((feature, column) => {
    const tensor = present[column];
    if (!tensor) throw new ModelInputMismatchException(`The feature "${feature.name}" is needed by this model.`);
    if (tensor.data.length !== rows) throw new ModelInputMismatchException('Every feature needs one value per row.');
    for (let row = 0; row < rows; row++) data[row * columns.length + column] = toNumber(tensor.data[row], feature.name);
  });
  return { name: inputName, datatype: 'FP32', shape: [rows, columns.length], data };
}

function toNumber(value: number | boolean | string, feature: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new ModelInputMismatchException(`The feature "${feature}" is text; this model takes numbers only.`);
}

function toOrtTensor(TensorClass: OnnxRuntime['Tensor'], input: NamedTensor, type: Tensor.Type): Tensor {
  const values = input.data;
  switch (type) {
    case 'float32':
      return new TensorClass(
        'float32',
        Float32Array.from(values, (v) => Number(v)),
        input.shape,
      );
    case 'float64':
      return new TensorClass(
        'float64',
        Float64Array.from(values, (v) => Number(v)),
        input.shape,
      );
    case 'int32':
      return new TensorClass(
        'int32',
        Int32Array.from(values, (v) => Number(v)),
        input.shape,
      );
    case 'int64':
      return new TensorClass(
        'int64',
        BigInt64Array.from(values, (v) => BigInt(Math.trunc(Number(v)))),
        input.shape,
      );
    case 'int8':
      return new TensorClass(
        'int8',
        Int8Array.from(values, (v) => Number(v)),
        input.shape,
      );
    case 'int16':
      return new TensorClass(
        'int16',
        Int16Array.from(values, (v) => Number(v)),
        input.shape,
      );
    case 'uint8':
      return new TensorClass(
        'uint8',
        Uint8Array.from(values, (v) => Number(v)),
        input.shape,
      );
    case 'uint16':
      return new TensorClass(
        'uint16',
        Uint16Array.from(values, (v) => Number(v)),
        input.shape,
      );
    case 'uint32':
      return new TensorClass(
        'uint32',
        Uint32Array.from(values, (v) => Number(v)),
        input.shape,
      );
    case 'uint64':
      return new TensorClass(
        'uint64',
        BigUint64Array.from(values, (v) => BigInt(Math.trunc(Number(v)))),
        input.shape,
      );
    case 'bool':
      return new TensorClass(
        'bool',
        Uint8Array.from(values, (v) => (v === true || v === 1 ? 1 : 0)),
        input.shape,
      );
    case 'string':
      return new TensorClass('string', values.map(String), input.shape);
    default:
      throw new ModelInputMismatchException(`The model's input "${input.name}" has an element type the gateway does not feed (${type}).`);
  }
}

function fromOrtTensor(name: string, tensor: Tensor | undefined): NamedTensor {
  if (!tensor) throw new ModelExecutionFailedException();
  const datatype = TO_DATATYPE[tensor.type];
  if (!datatype) throw new ModelExecutionFailedException();
  const raw = tensor.data as ArrayLike<number | bigint | string>;
  const data = new Array<number | boolean | string>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const value = raw[i];
    data[i] = typeof value === 'bigint' ? Number(value) : datatype === 'BOOL' ? value === 1 : value;
  }
  return { name, datatype, shape: [...tensor.dims], data };
}

function describe(metadata: readonly InferenceSession.ValueMetadata[]): OnnxTensorMetadata[] {
  return metadata.map((meta) => ({
    name: meta.name,
    datatype: (meta.isTensor && TO_DATATYPE[meta.type]) || 'BYTES',
    shape: meta.isTensor ? meta.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1)) : [],
  }));
}

/** Resolves or rejects with `work`, or rejects with the 504 upstream-timeout problem once `ms` have passed. */
export function withDeadline<T>(work: Promise<T>, ms: number, silenceLateFailure = false): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamTimeoutError('total-deadline')), ms);
  });
  // The run keeps going after a timeout; its late failure must not become an unhandled rejection.
  if (silenceLateFailure) work.catch(() => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
