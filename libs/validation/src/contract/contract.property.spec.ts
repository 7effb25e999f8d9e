import fc from 'fast-check';
import { piiRule } from './contract-document';
import { PII_DETECTORS } from './input-contract';
import type { Feature, InputContract, TensorDatatype } from './input-contract';
import { ContractCompiler } from './contract-compiler';
import { DATATYPE_DOMAINS, elementBounds } from './tensor-datatypes';
import { escapePointer } from './violation-messages';
import { PiiScanner } from '../pii/pii-scanner';

/**
 * Issue 6 acceptance: for randomly generated contracts, rows generated from the contract pass, rows
 * with one mutation are refused with a pointer to the mutated feature, and arbitrary JSON never throws.
 */

const DATATYPES: TensorDatatype[] = ['BOOL', 'UINT8', 'UINT16', 'INT8', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'];
const LETTERS = [...'abcdefghij'];

type FeatureDraft = Omit<Feature, 'name' | 'required'>;

const bounds = fc
  .tuple(
    fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: undefined }),
    fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
  )
  .map(([minimum, span]) => ({ minimum, maximum: minimum !== undefined && span !== undefined ? minimum + span : span }));

const featureDraft: fc.Arbitrary<FeatureDraft> = fc.oneof(
  bounds.map((b) => ({ type: 'number' as const, ...clean(b) })),
  bounds.map((b) => ({ type: 'integer' as const, ...clean(b) })),
  fc.constant({ type: 'boolean' as const }),
  fc
    .record({ maxLength: fc.integer({ min: 1, max: 12 }), pattern: fc.constantFrom(undefined, '^[a-j]*$') })
    .map((s) => ({ type: 'string' as const, ...clean(s) })),
  fc
    .oneof(
      fc.uniqueArray(fc.string({ unit: fc.constantFrom(...LETTERS), minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
      fc.uniqueArray(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 5 }),
    )
    .map((values) => ({ type: 'enum' as const, values })),
  fc
    .record({
      datatype: fc.constantFrom(...DATATYPES),
      shape: fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 3 }),
      range: bounds,
    })
    .map(({ datatype, shape, range }) => ({
      type: 'tensor' as const,
      datatype,
      shape,
      ...(DATATYPE_DOMAINS[datatype].kind === 'integer' || DATATYPE_DOMAINS[datatype].kind === 'number'
        ? clampToDomain(datatype, range)
        : {}),
      ...(datatype === 'BYTES' ? { maxLength: 6 } : {}),
    })),
);

const contractArbitrary: fc.Arbitrary<InputContract> = fc
  .array(fc.tuple(featureDraft, fc.boolean()), { minLength: 1, maxLength: 6 })
  .map((drafts) => ({
    features: drafts.map(([draft, required], index) => ({ ...draft, name: `f${index}_${draft.type}`, required })),
    maxBatch: 1000,
  }));

function clean<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Unsigned datatypes get a non-negative range, so that a valid element always exists. */
function clampToDomain(datatype: TensorDatatype, range: { minimum?: number; maximum?: number }) {
  const domain = DATATYPE_DOMAINS[datatype];
  const low = Math.max(range.minimum ?? -100, domain.minimum ?? -100, -100);
  const high = Math.min(range.maximum ?? 100, domain.maximum ?? 100, 100);
  return low <= high
    ? { minimum: low, maximum: high }
    : { minimum: Math.max(0, domain.minimum ?? 0), maximum: Math.max(0, domain.minimum ?? 0) + 1 };
}

function scalarValue(feature: Feature, datatype?: TensorDatatype): fc.Arbitrary<unknown> {
  const kind = datatype ? DATATYPE_DOMAINS[datatype].kind : feature.type;
  const range = datatype ? elementBounds(DATATYPE_DOMAINS[datatype], feature) : feature;
  switch (kind) {
    case 'number':
      return fc.double({ min: range.minimum ?? -1e6, max: range.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'integer':
      return fc.integer({ min: Math.ceil(range.minimum ?? -1e6), max: Math.floor(range.maximum ?? 1e6) });
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...(feature.values ?? []));
    default:
      return fc.string({ unit: fc.constantFrom(...LETTERS), maxLength: feature.maxLength ?? 10 });
  }
}

function nestedTensor(dims: number[], element: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  if (dims.length === 0) return element;
  return fc.array(nestedTensor(dims.slice(1), element), { minLength: dims[0], maxLength: dims[0] });
}

interface GeneratedValue {
  value: unknown;
  /** Tensors: the concrete shape and the flattened elements, for the v2 form. */
  shape?: number[];
}

function validValue(feature: Feature): fc.Arbitrary<GeneratedValue> {
  if (feature.type !== 'tensor') return scalarValue(feature).map((value) => ({ value }));
  const element = scalarValue(feature, feature.datatype);
  return fc
    .tuple(...(feature.shape ?? []).map((dim) => (dim === -1 ? fc.integer({ min: 1, max: 3 }) : fc.constant(dim))))
    .chain((shape) => nestedTensor(shape, element).map((value) => ({ value, shape })));
}

/** A row, drawn from the contract: required features always, optional ones sometimes. */
function validRow(contract: InputContract): fc.Arbitrary<Record<string, GeneratedValue>> {
  const entries = contract.features.map((feature) =>
    fc.tuple(fc.constant(feature.name), feature.required ? validValue(feature) : fc.option(validValue(feature), { nil: undefined })),
  );
  return fc
    .tuple(...entries)
    .map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)) as Record<string, GeneratedValue>);
}

function plain(row: Record<string, GeneratedValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([name, generated]) => [name, generated.value]));
}

function v2Datatype(feature: Feature): TensorDatatype {
  switch (feature.type) {
    case 'tensor':
      return feature.datatype!;
    case 'number':
      return 'FP64';
    case 'integer':
      return 'INT64';
    case 'boolean':
      return 'BOOL';
    case 'string':
      return 'BYTES';
    case 'enum':
      return feature.values!.every((value) => typeof value === 'string') ? 'BYTES' : 'FP64';
  }
}

function toKserveV2(contract: InputContract, row: Record<string, GeneratedValue>) {
  return {
    inputs: contract.features
      .filter((feature) => row[feature.name] !== undefined)
      .map((feature) => {
        const { value, shape } = row[feature.name];
        return {
          name: feature.name,
          datatype: v2Datatype(feature),
          shape: shape ?? [1],
          data: shape ? (value as unknown[]).flat(shape.length) : [value],
        };
      }),
  };
}

type Mutation = 'unknown' | 'outOfRange' | 'wrongType' | 'wrongShape' | 'overLong' | 'missing';

/** Applies one mutation to a valid row; answers the pointer it must be reported at, or undefined when it does not apply. */
function mutate(contract: InputContract, row: Record<string, unknown>, mutation: Mutation, pick: number): string | undefined {
  const candidates = contract.features.filter((feature) => {
    switch (mutation) {
      case 'unknown':
        return true;
      case 'outOfRange':
        return (feature.type === 'number' || feature.type === 'integer') && feature.maximum !== undefined;
      case 'wrongType':
        return true;
      case 'wrongShape':
        return feature.type === 'tensor' && (feature.shape ?? []).some((dim) => dim > 0);
      case 'overLong':
        return feature.type === 'string';
      case 'missing':
        return feature.required;
    }
  });
  if (candidates.length === 0) return undefined;
  const feature = candidates[pick % candidates.length];
  const at = `/inputs/${escapePointer(feature.name)}`;
  switch (mutation) {
    case 'unknown':
      row.zz_not_a_feature = 1;
      return '/inputs/zz_not_a_feature';
    case 'outOfRange':
      row[feature.name] = feature.maximum! + 1;
      return at;
    case 'wrongType':
      row[feature.name] =
        feature.type === 'string' || (feature.type === 'tensor' && feature.datatype === 'BYTES') ? { not: 'text' } : 'not-a-value';
      return at;
    case 'wrongShape': {
      // One item too many along the first fixed dimension.
      const dims = feature.shape ?? [];
      const fixedAt = dims.findIndex((dim) => dim > 0);
      const value = JSON.parse(JSON.stringify(row[feature.name] ?? makeTensorLike(dims))) as unknown[];
      let level: unknown[] = value;
      for (let depth = 0; depth < fixedAt; depth++) level = level[0] as unknown[];
      level.push(level[0]);
      row[feature.name] = value;
      return at;
    }
    case 'overLong':
      row[feature.name] = 'a'.repeat((feature.maxLength ?? 12) + 1);
      return at;
    case 'missing':
      delete row[feature.name];
      return at;
  }
}

/** A minimal valid-shaped nested array (for optional tensors absent from the row). */
function makeTensorLike(dims: number[]): unknown {
  return dims.reduceRight<unknown>((inner, dim) => Array.from({ length: dim < 0 ? 1 : dim }, () => inner), 0);
}

describe('input contracts (property-based)', () => {
  const compiler = new ContractCompiler(100);
  let key = 0;

  it('rows generated from a contract pass, natively and as KServe v2', () => {
    const scenario = contractArbitrary.chain((contract) =>
      fc.tuple(fc.constant(contract), fc.array(validRow(contract), { minLength: 1, maxLength: 3 })),
    );
    fc.assert(
      fc.property(scenario, ([contract, rows]) => {
        const compiled = compiler.compile(`valid-${key++}`, contract);
        const native = compiled.validateNative({ instances: rows.map(plain) });
        expect(native).toMatchObject({ ok: true });
        for (const row of rows) expect(compiled.validateKserveV2(toKserveV2(contract, row))).toMatchObject({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it('a row with one mutation is refused at the mutated feature', () => {
    const mutations: Mutation[] = ['unknown', 'outOfRange', 'wrongType', 'wrongShape', 'overLong', 'missing'];
    const scenario = contractArbitrary.chain((contract) =>
      fc.tuple(fc.constant(contract), validRow(contract), fc.constantFrom(...mutations), fc.nat()),
    );
    let applied = 0;
    fc.assert(
      fc.property(scenario, ([contract, generated, mutation, pick]) => {
        const row = plain(generated);
        const pointer = mutate(contract, row, mutation, pick);
        fc.pre(pointer !== undefined);
        applied++;
        const check = compiler.compile(`mutated-${key++}`, contract).validateNative({ inputs: row });
        expect(check.ok).toBe(false);
        if (check.ok) return;
        expect(check.malformed).toBe(false);
        expect(check.errors.some((error) => error.pointer === pointer || error.pointer.startsWith(`${pointer}/`))).toBe(true);
      }),
      { numRuns: 400 },
    );
    expect(applied).toBeGreaterThan(200);
  });

  it('arbitrary JSON never throws, whatever the contract and the protocol', () => {
    const scanner = new PiiScanner();
    const everything = piiRule({
      input: Object.fromEntries(PII_DETECTORS.map((d) => [d, 'redact'])),
      output: Object.fromEntries(PII_DETECTORS.map((d) => [d, 'redact'])),
      canaries: ['abcd'],
    });
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.record({ inputs: fc.jsonValue() }),
      fc.record({ instances: fc.array(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }))) }),
      fc.record({
        inputs: fc.array(
          fc.record(
            { name: fc.string(), shape: fc.jsonValue({ maxDepth: 1 }), datatype: fc.string(), data: fc.jsonValue({ maxDepth: 3 }) },
            { requiredKeys: [] },
          ),
        ),
      }),
      fc.record(
        {
          model: fc.jsonValue({ maxDepth: 1 }),
          messages: fc.jsonValue({ maxDepth: 3 }),
          prompt: fc.jsonValue({ maxDepth: 2 }),
          input: fc.jsonValue({ maxDepth: 2 }),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(contractArbitrary, bodies, (contract, body) => {
        const compiled = compiler.compile(`json-${key++}`, contract);
        for (const check of [
          compiled.validateNative(body),
          compiled.validateKserveV2(body),
          compiled.validateOpenAI('chat', body),
          compiled.validateOpenAI('completions', body),
          compiled.validateOpenAI('embeddings', body),
        ]) {
          if (check.ok) expect(check.elements).toBeGreaterThanOrEqual(0);
          else for (const error of check.errors) expect(error.pointer === '' || error.pointer.startsWith('/')).toBe(true);
        }
        expect(() => scanner.scanInput(everything, body)).not.toThrow();
        expect(() => scanner.scanOutput(everything, body)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
