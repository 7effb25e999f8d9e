import type { Feature, InputContract, TensorDatatype } from './input-contract';
import { DATATYPE_DOMAINS, elementBounds } from './tensor-datatypes';

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of one native row (`{ feature: value, ... }`): every feature a property, unknown
 * ones refused, required ones required. Tensors become nested arrays whose fixed dimensions are exact
 * item counts; variable (-1) dimensions and maxElements are checked after ajv (see tensor-shape).
 */
export function rowSchemaFor(contract: InputContract): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const feature of contract.features) {
    properties[feature.name] = featureSchemaFor(feature);
    if (feature.required) required.push(feature.name);
  }
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

export function featureSchemaFor(feature: Feature): JsonSchema {
  switch (feature.type) {
    case 'number':
    case 'integer':
      return { type: feature.type, ...range(feature.minimum, feature.maximum) };
    case 'boolean':
      return { type: 'boolean' };
    case 'string':
      return stringSchema(feature);
    case 'enum':
      return { enum: feature.values };
    case 'tensor':
      return tensorSchema(feature, feature.shape ?? [], feature.datatype ?? 'FP32');
  }
}

function tensorSchema(feature: Feature, shape: readonly number[], datatype: TensorDatatype): JsonSchema {
  let schema = elementSchema(feature, datatype);
  for (let dim = shape.length - 1; dim >= 0; dim--) {
    const size = shape[dim];
    schema = { type: 'array', ...(size >= 0 ? { minItems: size, maxItems: size } : {}), items: schema };
  }
  return schema;
}

function elementSchema(feature: Feature, datatype: TensorDatatype): JsonSchema {
  const domain = DATATYPE_DOMAINS[datatype];
  switch (domain.kind) {
    case 'boolean':
      return { type: 'boolean' };
    case 'string':
      return stringSchema(feature);
    case 'integer':
    case 'number': {
      const bounds = elementBounds(domain, feature);
      return { type: domain.kind, ...range(bounds.minimum, bounds.maximum) };
    }
  }
}

function stringSchema(feature: Feature): JsonSchema {
  return {
    type: 'string',
    ...(feature.maxLength !== undefined ? { maxLength: feature.maxLength } : {}),
    ...(feature.pattern !== undefined ? { pattern: feature.pattern } : {}),
  };
}

function range(minimum?: number, maximum?: number): JsonSchema {
  return { ...(minimum !== undefined ? { minimum } : {}), ...(maximum !== undefined ? { maximum } : {}) };
}
