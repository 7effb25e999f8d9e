import type { Feature, FeatureType, TensorDatatype } from './input-contract';

/**
 * What each KServe v2 datatype admits as a JSON element. 64-bit integers are limited to the range a
 * JSON number carries exactly (±2^53-1): beyond it a client's value would silently change.
 */
export interface ElementDomain {
  kind: 'boolean' | 'integer' | 'number' | 'string';
  minimum?: number;
  maximum?: number;
}

const SAFE = Number.MAX_SAFE_INTEGER;
const FP16_MAX = 65504;
const FP32_MAX = 3.4028234663852886e38;

export const DATATYPE_DOMAINS: Readonly<Record<TensorDatatype, ElementDomain>> = {
  BOOL: { kind: 'boolean' },
  UINT8: { kind: 'integer', minimum: 0, maximum: 255 },
  UINT16: { kind: 'integer', minimum: 0, maximum: 65535 },
  UINT32: { kind: 'integer', minimum: 0, maximum: 4294967295 },
  UINT64: { kind: 'integer', minimum: 0, maximum: SAFE },
  INT8: { kind: 'integer', minimum: -128, maximum: 127 },
  INT16: { kind: 'integer', minimum: -32768, maximum: 32767 },
  INT32: { kind: 'integer', minimum: -2147483648, maximum: 2147483647 },
  INT64: { kind: 'integer', minimum: -SAFE, maximum: SAFE },
  FP16: { kind: 'number', minimum: -FP16_MAX, maximum: FP16_MAX },
  FP32: { kind: 'number', minimum: -FP32_MAX, maximum: FP32_MAX },
  FP64: { kind: 'number' },
  BYTES: { kind: 'string' },
};

/** Which v2 datatypes may carry a scalar (non-tensor) feature sent in tensor form. */
export function datatypeFitsScalar(type: Exclude<FeatureType, 'tensor'>, datatype: string, feature: Feature): boolean {
  const domain = DATATYPE_DOMAINS[datatype as TensorDatatype] as ElementDomain | undefined;
  if (!domain) return false;
  switch (type) {
    case 'number':
      return datatype.startsWith('FP');
    case 'integer':
      return domain.kind === 'integer';
    case 'boolean':
      return datatype === 'BOOL';
    case 'string':
      return datatype === 'BYTES';
    case 'enum':
      // Enums of strings travel as BYTES; enums of numbers as any numeric type.
      return (feature.values ?? []).every((value) => typeof value === 'string')
        ? datatype === 'BYTES'
        : domain.kind !== 'boolean' && domain.kind !== 'string';
  }
}

/** The datatype's range narrowed by the feature's own minimum and maximum. */
export function elementBounds(domain: ElementDomain, feature: Feature): { minimum?: number; maximum?: number } {
  const minimum = max(domain.minimum, feature.minimum);
  const maximum = min(domain.maximum, feature.maximum);
  return { ...(minimum !== undefined ? { minimum } : {}), ...(maximum !== undefined ? { maximum } : {}) };
}

function max(a?: number, b?: number): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function min(a?: number, b?: number): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** Product of a concrete shape; -1 dimensions make it unknown (undefined). */
export function fixedElementCount(shape: readonly number[]): number | undefined {
  let count = 1;
  for (const dim of shape) {
    if (dim < 0) return undefined;
    count *= dim;
  }
  return count;
}
