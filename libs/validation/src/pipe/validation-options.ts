import type { ValidationPipeOptions } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import type { ClassTransformOptions } from 'class-transformer';
import { validationException } from './validation-errors';

/**
 * How every control-plane DTO is checked, by the global pipe and by validatePlain() alike. Unknown
 * fields are refused rather than stripped (a typo in an admin call must not silently do less), a nested
 * value must have been built into its class (forbidUnknownValues), and no string becomes a number or a
 * boolean unless its DTO says so with @Type()/@Transform() (enableImplicitConversion off).
 */
export const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  // Not stopAtFirstError: class-validator runs a property's checks bottom-up (the decorator nearest
  // the property first), so "the first error" would depend on how a DTO orders its decorators.
  // validationErrorsToProblemErrors() keeps the type error alone when there is one instead.
  stopAtFirstError: false,
  // The value stays on each error (never sent): EachItem() checks find their failing items in it.
  validationError: { target: false },
};

export const TRANSFORM_OPTIONS: ClassTransformOptions = { enableImplicitConversion: false };

export const VALIDATION_PIPE_OPTIONS: ValidationPipeOptions = {
  ...VALIDATOR_OPTIONS,
  transform: true,
  transformOptions: TRANSFORM_OPTIONS,
  // Inference bodies come through a custom decorator and are checked by the compiled model contract
  // (ajv, ~1 µs); class-transformer + class-validator would cost ~80 µs on every call.
  validateCustomDecorators: false,
  exceptionFactory: (errors) => validationException(errors),
};
