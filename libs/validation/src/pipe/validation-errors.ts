import type { ValidationError } from 'class-validator';
import { type ProblemFieldError, RequestValidationException } from '@infergate/common';
// RFC 6901 §3 escaping, shared with the model-contract violations.
import { escapePointer } from '../contract/violation-messages';
import { itemCheckOf, itemMessageOf } from '../dto/each-item.decorator';

/** The detail of an unknown field (the same text the admin API has always answered with). */
export const FIELD_NOT_ALLOWED = 'This field is not allowed.';

/**
 * class-validator's built-in messages start with the property name ("limit must be …"); the pointer
 * already names the field, so the constraints whose text would only repeat it get a house message.
 */
const HOUSE_MESSAGES: Readonly<Record<string, string>> = {
  whitelistValidation: FIELD_NOT_ALLOWED,
  // A nested value that no @Type() turned into its class (or any object where none is expected).
  unknownValue: 'This value is not allowed here.',
  nestedValidation: 'Must be an object.',
  isObject: 'Must be an object.',
  isArray: 'Must be an array.',
};

/**
 * Checks of what a value IS. When one of them failed, the others on the same value (a length, a range,
 * a nested check of a string) only repeat it in other words, so it is reported alone.
 */
export const TYPE_CONSTRAINTS: ReadonlySet<string> = new Set([
  'isDefined',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'isEnum',
  'isIn',
  'isDate',
  'isDateString',
  'isUuid',
  'isUUID',
  'unknownValue',
  'whitelistValidation',
]);

/**
 * Turns class-validator's error tree into one problem error per violated constraint, each at the RFC 6901
 * JSON pointer of its value below `base` (the parameter itself: '' for a body or query). Nested objects
 * and array items become path segments: `/items/0/name`.
 */
export function validationErrorsToProblemErrors(errors: readonly ValidationError[], base = ''): ProblemFieldError[] {
  const out: ProblemFieldError[] = [];
  collect(errors, base, out);
  return out;
}

function collect(errors: readonly ValidationError[], base: string, out: ProblemFieldError[]): void {
  for (const error of errors) {
    // class-validator reports an unknown value (forbidUnknownValues) without a property: it is the
    // object it was found in, at the parent's pointer.
    const pointer = error.property === undefined || error.property === null ? base : `${base}/${escapePointer(String(error.property))}`;
    const constraints = error.constraints ? Object.keys(error.constraints) : [];
    const typeError = constraints.find((constraint) => TYPE_CONSTRAINTS.has(constraint));
    for (const constraint of typeError === undefined ? constraints : [typeError]) {
      const detail = HOUSE_MESSAGES[constraint] ?? error.constraints![constraint];
      // A cross-field check on an object can name the member it is about: { context: { at: '/endpoint' } }.
      const at = (error.contexts?.[constraint] as { at?: unknown } | undefined)?.at;
      if (typeof at === 'string') {
        out.push({ pointer: pointer + at, detail });
        continue;
      }
      const isValidItem = itemCheckOf(constraint);
      if (isValidItem && Array.isArray(error.value)) {
        error.value.forEach((item: unknown, index) => {
          if (!isValidItem(item)) out.push({ pointer: `${pointer}/${index}`, detail: itemMessageOf(constraint, item) ?? detail });
        });
      } else {
        out.push({ pointer, detail });
      }
    }
    // Below a value of the wrong type there is nothing more to say.
    if (typeError === undefined && error.children && error.children.length > 0) collect(error.children, pointer, out);
  }
}

/** The global pipe's exceptionFactory: the 400 `validation-failed` problem with one error per violation at its JSON pointer. */
export function validationException(errors: readonly ValidationError[]): RequestValidationException {
  return new RequestValidationException(validationErrorsToProblemErrors(errors));
}
