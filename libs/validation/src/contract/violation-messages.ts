import type { ErrorObject } from 'ajv';
import type { ProblemFieldError } from '@infergate/common';

/**
 * Wording of contract violations. Clients read these: they say what is wrong in the caller's terms,
 * never name the validator's keywords, and never echo what was sent (a value may be large, or personal).
 */

/** At most this many violations are listed; a batch of bad rows must not become a huge answer. */
export const MAX_REPORTED_VIOLATIONS = 100;

/** RFC 6901 escaping of one reference token. */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * A client-chosen key as a pointer segment: escaped, and cut to 40 characters so that a huge unknown
 * key is not reflected back whole (the pointer then locates it by its beginning).
 */
export function keySegment(key: string): string {
  return escapePointer(truncateForDisplay(key));
}

/** Echoed contract text (feature names, enum values) is cut to 40 characters. */
export function truncateForDisplay(text: string, limit = 40): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

export function describeAllowedValues(values: readonly (string | number)[]): string {
  const shown = values.slice(0, 10).map((value) => truncateForDisplay(JSON.stringify(value)));
  return values.length <= 10 ? `must be one of ${shown.join(', ')}` : 'must be one of the values this model accepts';
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  string: 'a string',
  array: 'an array',
  object: 'an object',
  null: 'null',
};

function typeText(type: unknown): string {
  const types = Array.isArray(type) ? type : String(type).split(',');
  return types.map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' or ');
}

/**
 * One ajv error in the caller's words. `rowLevel` pointers are the features of a row: there an
 * unknown property "is not a feature of this model".
 */
export function describeAjvError(error: ErrorObject, prefix: string, rowPointers: ReadonlySet<string>): ProblemFieldError {
  const at = prefix + error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const pointer = `${at}/${keySegment(String(params.additionalProperty))}`;
      return { pointer, detail: rowPointers.has(error.instancePath) ? 'is not a feature of this model' : 'is not allowed here' };
    }
    case 'required':
      return { pointer: `${at}/${keySegment(String(params.missingProperty))}`, detail: 'is required' };
    case 'type':
      return { pointer: at, detail: `must be ${typeText(params.type)}` };
    case 'minimum':
      return { pointer: at, detail: `must be at least ${String(params.limit)}` };
    case 'maximum':
      return { pointer: at, detail: `must be at most ${String(params.limit)}` };
    case 'exclusiveMinimum':
      return { pointer: at, detail: `must be greater than ${String(params.limit)}` };
    case 'exclusiveMaximum':
      return { pointer: at, detail: `must be less than ${String(params.limit)}` };
    case 'maxLength':
      return { pointer: at, detail: `must be at most ${String(params.limit)} characters` };
    case 'minLength':
      return { pointer: at, detail: `must be at least ${String(params.limit)} characters` };
    case 'pattern':
    case 'format':
      return { pointer: at, detail: 'does not match the format this model requires' };
    case 'enum': {
      const allowed = params.allowedValues;
      return {
        pointer: at,
        detail: Array.isArray(allowed) ? describeAllowedValues(allowed as (string | number)[]) : 'is not an allowed value',
      };
    }
    case 'const':
      return { pointer: at, detail: 'is not the allowed value' };
    case 'minItems':
      return { pointer: at, detail: `must have at least ${String(params.limit)} items` };
    case 'maxItems':
      return { pointer: at, detail: `must have at most ${String(params.limit)} items` };
    case 'minProperties':
    case 'maxProperties':
      return { pointer: at, detail: 'has the wrong number of fields' };
    case 'multipleOf':
      return { pointer: at, detail: `must be a multiple of ${String(params.multipleOf)}` };
    case 'uniqueItems':
      return { pointer: at, detail: 'must not repeat items' };
    case 'anyOf':
    case 'oneOf':
      return { pointer: at, detail: 'does not have any of the accepted forms' };
    default:
      return { pointer: at, detail: "does not satisfy this model's input schema" };
  }
}

/** Drops duplicates (ajv can report one place twice) and caps the list. */
export class ViolationList {
  readonly errors: ProblemFieldError[] = [];
  private readonly seen = new Set<string>();
  truncated = false;

  add(pointer: string, detail: string): void {
    const key = `${pointer}\u0000${detail}`;
    if (this.seen.has(key)) return;
    if (this.errors.length >= MAX_REPORTED_VIOLATIONS) {
      this.truncated = true;
      return;
    }
    this.seen.add(key);
    this.errors.push({ pointer, detail });
  }

  get full(): boolean {
    return this.errors.length >= MAX_REPORTED_VIOLATIONS;
  }

  get empty(): boolean {
    return this.errors.length === 0;
  }
}
