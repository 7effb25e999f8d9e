import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { type ProblemFieldError, RequestValidationException } from '@infergate/common';
import { validationErrorsToProblemErrors } from './validation-errors';
import { TRANSFORM_OPTIONS, VALIDATOR_OPTIONS } from './validation-options';

type DtoClass<T> = new () => T;

/**
 * Outside HTTP (CLI options, policy files): builds `dto` from a plain value and validates it with the
 * global pipe's options. Returns the instance, or the violations at JSON pointers below `base`.
 */
export function checkPlain<T extends object>(
  dto: DtoClass<T>,
  plain: unknown,
  base = '',
): { ok: true; value: T } | { ok: false; errors: ProblemFieldError[] } {
  if (plain === null || plain === undefined) plain = {};
  if (typeof plain !== 'object' || Array.isArray(plain)) return { ok: false, errors: [{ pointer: base, detail: 'Must be an object.' }] };
  const instance = plainToInstance(dto, plain, TRANSFORM_OPTIONS);
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) return { ok: false, errors: validationErrorsToProblemErrors(errors, base) };
  return { ok: true, value: instance };
}

/** checkPlain() that throws the 400 `validation-failed` problem the HTTP pipe would answer. */
export function validatePlain<T extends object>(dto: DtoClass<T>, plain: unknown): T {
  const result = checkPlain(dto, plain);
  if (!result.ok) throw new RequestValidationException(result.errors);
  return result.value;
}
