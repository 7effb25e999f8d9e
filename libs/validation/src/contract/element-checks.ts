import type { Feature, TensorDatatype } from './input-contract';
import { DATATYPE_DOMAINS, ElementDomain, elementBounds } from './tensor-datatypes';
import { describeAllowedValues } from './violation-messages';

/** Checks one element; answers the problem (safe to show, never echoing the value) or undefined. */
export type ElementCheck = (value: unknown) => string | undefined;

/**
 * The per-element check of a KServe v2 input: the datatype's domain narrowed by the feature's range,
 * length, pattern and enum values. Built once per compiled contract; the closures stay monomorphic.
 */
export function elementCheckFor(feature: Feature, datatype: TensorDatatype): ElementCheck {
  if (feature.type === 'enum') {
    const allowed = new Set<unknown>(feature.values);
    const message = describeAllowedValues(feature.values ?? []);
    const domainCheck = domainCheckFor(DATATYPE_DOMAINS[datatype], feature, datatype);
    return (value) => domainCheck(value) ?? (allowed.has(value) ? undefined : message);
  }
  return domainCheckFor(DATATYPE_DOMAINS[datatype], feature, datatype);
}

function domainCheckFor(domain: ElementDomain, feature: Feature, datatype: TensorDatatype): ElementCheck {
  switch (domain.kind) {
    case 'boolean':
      return (value) => (typeof value === 'boolean' ? undefined : 'must be a boolean (BOOL)');
    case 'string':
      return stringCheck(feature);
    case 'integer':
    case 'number': {
      const { minimum, maximum } = elementBounds(domain, feature);
      const low = minimum ?? -Infinity;
      const high = maximum ?? Infinity;
      const integer = domain.kind === 'integer';
      const what = integer ? `must be an integer (${datatype})` : `must be a number (${datatype})`;
      const range = rangeText(minimum, maximum);
      const rangeMessage = `must be ${range} (${datatype})`;
      return (value) => {
        if (typeof value !== 'number' || (integer && !Number.isInteger(value))) return what;
        return value < low || value > high ? rangeMessage : undefined;
      };
    }
  }
}

function stringCheck(feature: Feature): ElementCheck {
  const maxLength = feature.maxLength ?? Infinity;
  const pattern = feature.pattern !== undefined ? new RegExp(feature.pattern, 'u') : undefined;
  const tooLong = `must be at most ${feature.maxLength} characters`;
  return (value) => {
    if (typeof value !== 'string') return 'must be a string (BYTES)';
    if (value.length > maxLength && [...value].length > maxLength) return tooLong;
    if (pattern && !pattern.test(value)) return 'does not match the format this model requires';
    return undefined;
  };
}

export function rangeText(minimum?: number, maximum?: number): string {
  if (minimum !== undefined && maximum !== undefined) return `between ${minimum} and ${maximum}`;
  if (minimum !== undefined) return `at least ${minimum}`;
  if (maximum !== undefined) return `at most ${maximum}`;
  return 'finite';
}
