import { TENSOR_DATATYPES } from './input-contract';
import { OPENAI_REQUEST_SCHEMAS, type OpenAiKind } from './openai-request-schemas';

type JsonSchema = Record<string, unknown>;

/**
 * The envelopes of the native and KServe v2 inference requests as JSON Schemas: what any model's
 * request looks like before its own contract (the per-version row schema ContractCompiler builds) says
 * which features it has. The hot path checks these envelopes in code (CompiledContract, KserveV2Check:
 * better messages, one pass); a spec compiles these schemas with ajv and holds both to the same answers,
 * so that what /docs-json shows is what the gateway enforces.
 */
export const NATIVE_REQUEST_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    "`inputs` for one row, or `instances` for a batch (at most the version's maxBatch rows); each row maps feature names to values, as the version's input contract says.",
  properties: {
    inputs: { type: 'object', additionalProperties: true, description: 'One row: feature name → value.' },
    instances: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', additionalProperties: true },
      description: 'Rows: feature name → value each.',
    },
  },
  oneOf: [{ required: ['inputs'] }, { required: ['instances'] }],
  additionalProperties: false,
};

const V2_TENSOR: JsonSchema = {
  type: 'object',
  required: ['name', 'shape', 'datatype', 'data'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', description: 'A feature of the version’s input contract.' },
    shape: { type: 'array', minItems: 1, maxItems: 8, items: { type: 'integer', minimum: 0 } },
    datatype: { enum: [...TENSOR_DATATYPES] },
    data: { type: 'array', description: 'Flat or nested row-major elements; their count matches the shape.' },
    parameters: { type: 'object' },
  },
};

export const KSERVE_V2_REQUEST_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Open Inference Protocol v2 inference request: `inputs` are tensors named after the contract features.',
  required: ['inputs'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    parameters: { type: 'object' },
    inputs: { type: 'array', items: V2_TENSOR },
    outputs: {
      type: 'array',
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, parameters: { type: 'object' } } },
    },
  },
};

/** Every inference request body by surface, for the OpenAPI document (openApiSchemaOf) and the consistency spec. */
export const INFERENCE_REQUEST_SCHEMAS: Readonly<Record<'native' | 'kserveV2' | OpenAiKind, JsonSchema>> = {
  native: NATIVE_REQUEST_SCHEMA,
  kserveV2: KSERVE_V2_REQUEST_SCHEMA,
  ...OPENAI_REQUEST_SCHEMAS,
};

/**
 * A JSON Schema (draft 2020-12, as ajv compiles it) in the OpenAPI 3.0 dialect @nestjs/swagger writes:
 * type arrays become `oneOf` (with `nullable` for null), `const` becomes a one-value `enum`, and
 * `if`/`then` (a refinement 3.0 cannot say) is left out. A fresh copy: the ajv schema is never touched.
 */
export function openApiSchemaOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(openApiSchemaOf);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'if' || key === 'then' || key === 'else') continue;
    if (key === 'const') out.enum = [value];
    else if (key === 'properties' || key === 'patternProperties')
      out[key] = Object.fromEntries(Object.entries(value as JsonSchema).map(([name, sub]) => [name, openApiSchemaOf(sub)]));
    else out[key] = openApiSchemaOf(value);
  }
  if (Array.isArray(out.type)) return typeUnion(out);
  return out;
}

/** `type: ['string', 'array', 'null']` → `oneOf` of one branch per type, each keeping the keywords that apply to it. */
function typeUnion(schema: Record<string, unknown>): Record<string, unknown> {
  const { type, description, ...rest } = schema;
  const types = (type as string[]).filter((name) => name !== 'null');
  const nullable = (type as string[]).includes('null');
  const branch = (name: string): Record<string, unknown> => {
    const kept = Object.fromEntries(Object.entries(rest).filter(([keyword]) => appliesTo(keyword, name)));
    return { type: name, ...kept };
  };
  const base = types.length === 1 ? branch(types[0]) : { oneOf: types.map(branch) };
  return { ...base, ...(nullable ? { nullable: true } : {}), ...(description !== undefined ? { description } : {}) };
}

const KEYWORDS: Record<string, readonly string[]> = {
  string: ['minLength', 'maxLength', 'pattern', 'format', 'enum'],
  integer: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'enum'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'enum'],
  array: ['items', 'minItems', 'maxItems', 'uniqueItems'],
  object: ['properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties'],
  boolean: ['enum'],
};

function appliesTo(keyword: string, type: string): boolean {
  return (KEYWORDS[type] ?? []).includes(keyword);
}
