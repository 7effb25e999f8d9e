import type { ValidateFunction } from 'ajv';
import type { Feature, InputContract } from './input-contract';
import { assertContract, ContractCheck } from './contract-violation.exception';
import { KserveV2Check } from './kserve-v2-check';
import { checkOpenAiRequest } from './openai-check';
import type { OpenAiKind } from './openai-request-schemas';
import { measureNestedTensor } from './tensor-shape';
import { describeAjvError, escapePointer, keySegment, ViolationList } from './violation-messages';

const NATIVE_FIELDS = new Set(['inputs', 'instances']);
/** Row-level pointer of ajv errors (the row itself): there unknown properties are unknown features. */
const ROW_POINTERS: ReadonlySet<string> = new Set(['']);

export interface CompiledValidators {
  row: ValidateFunction;
  /** The contract's free-form JSON Schema, applied to each row after the features. */
  extra?: ValidateFunction;
  openai: Readonly<Record<OpenAiKind, ValidateFunction>>;
}

interface VariableTensor {
  feature: Feature;
  rank: number;
  maxElements: number;
}

/**
 * An input contract ready to check requests: native rows, KServe v2 tensors and OpenAI bodies.
 * Built by ContractCompiler (once per cache key); stateless, so one instance serves every request.
 */
export class CompiledContract {
  private readonly kserve: KserveV2Check;
  private readonly tensorOnly: boolean;
  /** Tensors whose element count is known from the contract alone. */
  private readonly fixedTensors: { name: string; elements: number }[] = [];
  private readonly variableTensors: VariableTensor[];

  constructor(
    readonly contract: InputContract,
    private readonly validators: CompiledValidators,
  ) {
    this.kserve = new KserveV2Check(contract);
    this.tensorOnly = contract.features.length > 0 && contract.features.every((f) => f.type === 'tensor');
    this.variableTensors = [];
    for (const feature of contract.features) {
      if (feature.type !== 'tensor') continue;
      const shape = feature.shape ?? [];
      const variable = shape.some((dim) => dim < 0);
      if (variable || feature.maxElements !== undefined) {
        this.variableTensors.push({ feature, rank: shape.length, maxElements: feature.maxElements ?? Number.MAX_SAFE_INTEGER });
      }
      if (!variable) this.fixedTensors.push({ name: feature.name, elements: shape.reduce((product, dim) => product * dim, 1) });
    }
  }

  /**
   * `{ "inputs": { feature: value } }` (one row) or `{ "instances": [row, ...] }` (at most maxBatch).
   * elements: rows, or total tensor elements when every feature is a tensor.
   */
  validateNative(body: unknown): ContractCheck {
    if (!isObject(body)) return malformed('', 'must be a JSON object with "inputs" or "instances"');
    const hasInputs = body.inputs !== undefined;
    const hasInstances = body.instances !== undefined;
    if (hasInputs === hasInstances) return malformed('', 'must have exactly one of "inputs" (one row) or "instances" (rows)');
    if (hasInputs && !isObject(body.inputs)) return malformed('/inputs', 'must be an object of feature values');
    if (hasInstances && !Array.isArray(body.instances)) return malformed('/instances', 'must be an array of rows');

    const violations = new ViolationList();
    for (const key of Object.keys(body)) {
      if (!NATIVE_FIELDS.has(key)) violations.add(`/${keySegment(key)}`, 'is not part of an inference request');
    }
    let elements = 0;
    if (hasInputs) {
      elements = this.checkRow(body.inputs, '/inputs', violations);
    } else {
      const rows = body.instances as unknown[];
      if (rows.length === 0) violations.add('/instances', 'must have at least one row');
      if (rows.length > this.contract.maxBatch) violations.add('/instances', `must have at most ${this.contract.maxBatch} rows`);
      else {
        for (let index = 0; index < rows.length; index++) {
          if (violations.full) {
            violations.truncated = true;
            break;
          }
          elements += this.checkRow(rows[index], `/instances/${index}`, violations);
        }
      }
    }
    if (!violations.empty) return { ok: false, malformed: false, errors: violations.errors, truncated: violations.truncated };
    return { ok: true, elements };
  }

  /** An Open Inference Protocol v2 request; elements as for validateNative. */
  validateKserveV2(body: unknown): ContractCheck {
    return this.kserve.check(body);
  }

  /** An OpenAI chat, completions or embeddings request; elements: approximate input tokens. */
  validateOpenAI(kind: OpenAiKind, body: unknown): ContractCheck {
    return checkOpenAiRequest(kind, body, this.validators.openai[kind], this.contract.openai);
  }

  /** Convenience for callers that answer at once: the element count, or the 400/422 problem thrown. */
  assertNative(body: unknown): number {
    return assertContract(this.validateNative(body));
  }

  assertKserveV2(body: unknown): number {
    return assertContract(this.validateKserveV2(body));
  }

  assertOpenAI(kind: OpenAiKind, body: unknown): number {
    return assertContract(this.validateOpenAI(kind, body));
  }

  /** Checks one row; answers its element count (1 row, or its tensor elements), 0 when it failed. */
  private checkRow(row: unknown, at: string, violations: ViolationList): number {
    if (!isObject(row)) {
      violations.add(at, 'must be an object of feature values');
      return 0;
    }
    const { row: validateRow, extra } = this.validators;
    let failed = false;
    const failedFeatures = new Set<string>();
    if (!validateRow(row)) {
      failed = true;
      for (const error of validateRow.errors ?? []) {
        const { pointer, detail } = describeAjvError(error, at, ROW_POINTERS);
        violations.add(pointer, detail);
        failedFeatures.add(error.instancePath.split('/')[1] ?? '');
      }
    }
    let tensorElements = 0;
    for (const { name, elements } of this.fixedTensors) if (row[name] !== undefined) tensorElements += elements;
    for (const { feature, rank, maxElements } of this.variableTensors) {
      const value = row[feature.name];
      if (value === undefined || failedFeatures.has(escapePointer(feature.name))) continue;
      const measured = measureNestedTensor(value, rank, maxElements);
      if (!measured.ok) {
        violations.add(`${at}/${escapePointer(feature.name)}${measured.pointer}`, measured.detail);
        failed = true;
      } else if ((feature.shape ?? []).some((dim) => dim < 0)) {
        tensorElements += measured.elements;
      }
    }
    if (failed) return 0;
    if (extra && !extra(row)) {
      for (const error of extra.errors ?? []) {
        if (error.keyword === 'if') continue;
        const { pointer, detail } = describeAjvError(error, at, ROW_POINTERS);
        violations.add(pointer, detail);
      }
      return 0;
    }
    return this.tensorOnly ? tensorElements : 1;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(pointer: string, detail: string): ContractCheck {
  return { ok: false, malformed: true, errors: [{ pointer, detail }], truncated: false };
}
