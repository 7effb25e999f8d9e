import type { Feature, InputContract, TensorDatatype } from './input-contract';
import { TENSOR_DATATYPES } from './input-contract';
import type { ContractCheck } from './contract-violation.exception';
import { ElementCheck, elementCheckFor } from './element-checks';
import { datatypeFitsScalar } from './tensor-datatypes';
import { flattenTensorData } from './tensor-shape';
import { keySegment, truncateForDisplay, ViolationList } from './violation-messages';

const REQUEST_FIELDS = new Set(['id', 'parameters', 'inputs', 'outputs']);
const INPUT_FIELDS = new Set(['name', 'shape', 'datatype', 'data', 'parameters']);
const DATATYPES = new Set<string>(TENSOR_DATATYPES);
/** Element errors listed per input before moving on: one bad tensor must not fill the whole list. */
const MAX_ELEMENT_ERRORS_PER_INPUT = 10;
const MAX_DATA_NESTING = 16;

interface FeaturePlan {
  feature: Feature;
  /** Tensor features: the exact datatype; scalar features: undefined (compatibility is checked). */
  datatype?: TensorDatatype;
  checks: Map<string, ElementCheck>;
  maxElements: number;
}

/**
 * Open Inference Protocol v2 request checks against an input contract: each input names a feature,
 * its datatype and shape fit the feature, shape and data agree, and every element is in range.
 */
export class KserveV2Check {
  private readonly plans = new Map<string, FeaturePlan>();
  private readonly required: string[];
  private readonly tensorOnly: boolean;

  constructor(private readonly contract: InputContract) {
    for (const feature of contract.features) {
      const maxElements =
        feature.type === 'tensor' ? (feature.maxElements ?? fixedCount(feature.shape ?? []) ?? 100_000_000) : contract.maxBatch;
      this.plans.set(feature.name, {
        feature,
        datatype: feature.type === 'tensor' ? feature.datatype : undefined,
        checks: new Map(),
        maxElements,
      });
    }
    this.required = contract.features.filter((f) => f.required).map((f) => f.name);
    this.tensorOnly = contract.features.length > 0 && contract.features.every((f) => f.type === 'tensor');
  }

  check(body: unknown): ContractCheck {
    if (!isObject(body)) return malformed('', 'must be a JSON object');
    if (!Array.isArray(body.inputs)) return malformed('/inputs', 'must be an array of input tensors');
    const violations = new ViolationList();
    for (const key of Object.keys(body)) {
      if (!REQUEST_FIELDS.has(key)) violations.add(`/${keySegment(key)}`, 'is not part of an inference request');
    }
    if (body.id !== undefined && typeof body.id !== 'string') violations.add('/id', 'must be a string');
    if (body.parameters !== undefined && !isObject(body.parameters)) violations.add('/parameters', 'must be an object');
    if (body.outputs !== undefined) this.checkOutputs(body.outputs, violations);

    const seen = new Set<string>();
    let rows: number | undefined;
    let rowsFrom = '';
    let tensorElements = 0;
    body.inputs.forEach((input: unknown, index: number) => {
      if (violations.full) {
        violations.truncated = true;
        return;
      }
      const at = `/inputs/${index}`;
      if (!isObject(input)) {
        violations.add(at, 'must be an object with name, shape, datatype and data');
        return;
      }
      const result = this.checkInput(input, at, seen, violations);
      if (result === undefined) return;
      if (result.rows !== undefined) {
        if (rows === undefined) {
          rows = result.rows;
          rowsFrom = at;
        } else if (rows !== result.rows) {
          violations.add(`${at}/shape`, `has ${result.rows} rows but ${rowsFrom} has ${rows}`);
        }
      }
      tensorElements += result.elements;
    });
    for (const name of this.required) {
      if (!seen.has(name)) violations.add('/inputs', `is missing the required feature ${JSON.stringify(truncateForDisplay(name))}`);
    }
    if (!violations.empty) return { ok: false, malformed: false, errors: violations.errors, truncated: violations.truncated };
    return { ok: true, elements: this.tensorOnly ? tensorElements : (rows ?? 0) };
  }

  private checkOutputs(outputs: unknown, violations: ViolationList): void {
    if (!Array.isArray(outputs)) {
      violations.add('/outputs', 'must be an array');
      return;
    }
    outputs.forEach((output: unknown, index) => {
      if (!isObject(output) || typeof output.name !== 'string') violations.add(`/outputs/${index}`, 'must be an object with a name');
    });
  }

  /** Answers the input's row count (scalar features) and element count, or undefined when it failed. */
  private checkInput(
    input: Record<string, unknown>,
    at: string,
    seen: Set<string>,
    violations: ViolationList,
  ): { rows?: number; elements: number } | undefined {
    const before = violations.errors.length;
    for (const key of Object.keys(input)) {
      if (!INPUT_FIELDS.has(key)) violations.add(`${at}/${keySegment(key)}`, 'is not part of an input tensor');
    }
    if (input.parameters !== undefined && !isObject(input.parameters)) violations.add(`${at}/parameters`, 'must be an object');
    const { name, shape, datatype, data } = input;
    if (typeof name !== 'string') {
      violations.add(`${at}/name`, 'must be a string');
      return undefined;
    }
    const plan = this.plans.get(name);
    if (!plan) {
      violations.add(`${at}/name`, 'is not a feature of this model');
      return undefined;
    }
    if (seen.has(name)) violations.add(`${at}/name`, 'names a feature that another input already carries');
    seen.add(name);

    const { feature } = plan;
    if (typeof datatype !== 'string' || !DATATYPES.has(datatype)) {
      violations.add(`${at}/datatype`, 'must be a KServe v2 datatype (BOOL, INT8 … INT64, UINT8 … UINT64, FP16, FP32, FP64, BYTES)');
    } else if (
      plan.datatype !== undefined ? datatype !== plan.datatype : !datatypeFitsScalar(feature.type as 'number', datatype, feature)
    ) {
      violations.add(`${at}/datatype`, plan.datatype !== undefined ? `must be ${plan.datatype}` : `does not fit a ${feature.type} feature`);
    }
    const shapeOk =
      Array.isArray(shape) && shape.length >= 1 && shape.length <= 8 && shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
    if (!shapeOk) violations.add(`${at}/shape`, 'must be an array of 1 to 8 non-negative integers');
    else this.checkShape(plan, shape as number[], `${at}/shape`, violations);
    if (!Array.isArray(data)) {
      violations.add(`${at}/data`, 'must be an array');
      return undefined;
    }
    if (violations.errors.length > before) return undefined;

    const dims = shape as number[];
    const declared = dims.reduce((product, dim) => product * dim, 1);
    if (declared > plan.maxElements) {
      violations.add(`${at}/shape`, `describes more than ${plan.maxElements} elements`);
      return undefined;
    }
    const flat = flattenTensorData(data, declared, MAX_DATA_NESTING);
    if (flat === undefined || flat.length !== declared) {
      violations.add(`${at}/data`, `must hold exactly ${declared} elements, as the shape says`);
      return undefined;
    }
    const check = this.elementCheck(plan, datatype as TensorDatatype);
    const flatData = flat === data;
    let reported = 0;
    for (let index = 0; index < flat.length; index++) {
      const problem = check(flat[index]);
      if (problem === undefined) continue;
      violations.add(flatData ? `${at}/data/${index}` : `${at}/data`, flatData ? problem : `element ${index} (row-major) ${problem}`);
      if (++reported >= MAX_ELEMENT_ERRORS_PER_INPUT || violations.full) break;
    }
    if (reported > 0) return undefined;
    return feature.type === 'tensor' ? { elements: declared } : { rows: dims[0], elements: declared };
  }

  private checkShape(plan: FeaturePlan, shape: number[], at: string, violations: ViolationList): void {
    const { feature } = plan;
    if (feature.type !== 'tensor') {
      if (shape.length > 2 || (shape.length === 2 && shape[1] !== 1))
        violations.add(at, 'must be [n] or [n, 1] for a single-valued feature');
      return;
    }
    const expected = feature.shape ?? [];
    const matches = expected.length === shape.length && expected.every((dim, index) => dim === -1 || dim === shape[index]);
    if (!matches) violations.add(at, `must match [${expected.join(', ')}] (-1 is any size)`);
  }

  private elementCheck(plan: FeaturePlan, datatype: TensorDatatype): ElementCheck {
    let check = plan.checks.get(datatype);
    if (!check) {
      check = elementCheckFor(plan.feature, datatype);
      plan.checks.set(datatype, check);
    }
    return check;
  }
}

function fixedCount(shape: readonly number[]): number | undefined {
  return shape.every((dim) => dim >= 0) ? shape.reduce((product, dim) => product * dim, 1) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(pointer: string, detail: string): ContractCheck {
  return { ok: false, malformed: true, errors: [{ pointer, detail }], truncated: false };
}
