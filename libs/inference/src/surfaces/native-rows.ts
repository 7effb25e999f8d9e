import type { Feature, InputContract, TensorDatatype } from '@infergate/validation';
import { ModelInputMismatchException } from '../onnx/onnx.errors';
import { rowsOf, type KserveV2Request, type NamedTensor } from './tensors';

/** A native inference body, after the contract check: one row (`inputs`) or a batch (`instances`). */
export interface NativeRequest {
  inputs?: Record<string, unknown>;
  instances?: Array<Record<string, unknown>>;
  parameters?: Record<string, unknown>;
}

/** The rows of a native body (already validated), and whether the caller sent one row or a batch. */
export function nativeRows(body: NativeRequest): { rows: Array<Record<string, unknown>>; single: boolean } {
  if (body.instances) return { rows: body.instances, single: false };
  return { rows: [body.inputs ?? {}], single: true };
}

/** The OIP v2 datatype a scalar feature travels as. */
function scalarDatatype(feature: Feature, sample: unknown): TensorDatatype {
  switch (feature.type) {
    case 'integer':
      return 'INT64';
    case 'number':
      return 'FP64';
    case 'boolean':
      return 'BOOL';
    case 'enum':
      return typeof sample === 'number' ? 'FP64' : 'BYTES';
    default:
      return 'BYTES';
  }
}

/**
 * Native rows as OIP v2 tensors, one per contract feature present: a scalar feature becomes a [N]
 * tensor, a tensor feature a [N, ...shape] stack of the rows' values. A feature present in some rows
 * and absent in others cannot become a tensor (422: send it in every row, or in none).
 */
export function rowsToTensors(rows: Array<Record<string, unknown>>, contract: InputContract): NamedTensor[] {
  const tensors: NamedTensor[] = [];
  for (const feature of contract.features) {
    const values = rows.map((row) => row[feature.name]);
    const present = values.filter((value) => value !== undefined).length;
    if (present === 0) continue;
    if (present !== rows.length) {
      throw new ModelInputMismatchException(`The feature "${feature.name}" must be in every row of a batch, or in none.`);
    }
    if (feature.type === 'tensor') {
      const shape = shapeOf(values[0]);
      tensors.push({
        name: feature.name,
        datatype: feature.datatype ?? 'FP32',
        shape: [rows.length, ...shape],
        data: values.flatMap((value) => (Array.isArray(value) ? (value.flat(shape.length) as Array<number | boolean | string>) : [])),
      });
    } else {
      tensors.push({
        name: feature.name,
        datatype: scalarDatatype(feature, values[0]),
        shape: [rows.length],
        data: values as Array<number | boolean | string>,
      });
    }
  }
  return tensors;
}

/** The dimensions of a rectangular nested array (the contract check refused ragged ones). */
function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  let node = value;
  while (Array.isArray(node)) {
    shape.push(node.length);
    node = node[0];
  }
  return shape;
}

/** Backend outputs back as native rows: `{ output: value }` per row, a scalar when a row holds one element. */
export function tensorsToRows(outputs: NamedTensor[], rowCount: number): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = Array.from({ length: rowCount }, () => ({}));
  for (const output of outputs) {
    rowsOf(output, rowCount).forEach((value, index) => (rows[index][output.name] = value));
  }
  return rows;
}

/** An OIP v2 request body's inputs with `data` flattened to row-major (OIP allows nested arrays). */
export function flatInputs(body: KserveV2Request): NamedTensor[] {
  return body.inputs.map((input) => ({
    ...input,
    data: (input.data as unknown[]).flat(Infinity) as Array<number | boolean | string>,
  }));
}
