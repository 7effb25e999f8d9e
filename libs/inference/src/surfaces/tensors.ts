import type { TensorDatatype } from '@infergate/validation';

/**
 * A named tensor as the Open Inference Protocol v2 carries it (row-major flat `data`), the common
 * currency between the surfaces and the backends: the native surface's rows become tensors, the v2
 * surface's inputs already are, and every backend answers with them.
 */
export interface NamedTensor {
  name: string;
  datatype: TensorDatatype;
  shape: number[];
  data: Array<number | boolean | string>;
  parameters?: Record<string, unknown>;
}

/** OIP v2 inference request (JSON), as clients send it. */
export interface KserveV2Request {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: NamedTensor[];
  outputs?: Array<{ name: string; parameters?: Record<string, unknown> }>;
}

/** OIP v2 inference response (JSON). */
export interface KserveV2Response {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, unknown>;
  outputs: NamedTensor[];
}

/** Elements a shape holds. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** Splits a tensor with a leading batch dimension into per-row values: a scalar when a row holds one element. */
export function rowsOf(tensor: NamedTensor, rowCount: number): Array<unknown> {
  const batch = tensor.shape[0];
  if (tensor.shape.length === 0 || batch !== rowCount) {
    // No batch dimension to split on: every row sees the whole tensor.
    const whole = tensor.data.length === 1 ? tensor.data[0] : tensor.data;
    return Array.from({ length: rowCount }, () => whole);
  }
  const perRow = rowCount === 0 ? 0 : tensor.data.length / rowCount;
  return Array.from({ length: rowCount }, (_, row) => {
    const slice = tensor.data.slice(row * perRow, (row + 1) * perRow);
    return slice.length === 1 ? slice[0] : slice;
  });
}
