import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import { RequestValidationException } from '@infergate/common';
import { FIELD_NOT_ALLOWED } from './validation-errors';
import { VALIDATION_PIPE_OPTIONS } from './validation-options';

/** Parameter types that carry no DTO: Nest's pipe would only coerce them (`+value`, `value === 'true'`). */
const NOT_A_DTO: ReadonlySet<unknown> = new Set([String, Boolean, Number, Array, Object, Buffer, Date]);

/** Keys that would reach a prototype if a service ever copied the DTO naively. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/**
 * Nest's ValidationPipe with the gateway's options (validation-options.ts) and three differences:
 * - parameters without a DTO class (inference bodies taken through a custom decorator, `@Param('id') id:
 *   string`) are returned as they came, synchronously: no promise, no class-transformer, and no implicit
 *   `+value` / `value === 'true'` coercion of primitives (Nest does that when `transform` is on);
 * - a DTO parameter whose value is an array or a primitive is a 400 at the root pointer, not Nest's
 *   `isObject` error at a pointer named after the parameter type;
 * - `__proto__`, `constructor` and `prototype` keys are refused (Nest would delete them silently; the
 *   JSON parser already refuses them in bodies, this covers query strings).
 */
@Injectable()
export class ProblemValidationPipe extends ValidationPipe {
  constructor() {
    super(VALIDATION_PIPE_OPTIONS);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nest's own signature (the DTO's type)
  override transform(value: unknown, metadata: ArgumentMetadata): any {
    const { metatype, type } = metadata;
    if (type === 'custom' || metatype === undefined || NOT_A_DTO.has(metatype)) return value;
    if (value !== null && value !== undefined) {
      if (typeof value !== 'object' || Array.isArray(value)) throw RequestValidationException.at('', 'Must be a JSON object.');
      for (const key of PROTOTYPE_KEYS) {
        if (Object.prototype.hasOwnProperty.call(value, key)) throw RequestValidationException.at(`/${key}`, FIELD_NOT_ALLOWED);
      }
    }
    return super.transform(value, metadata);
  }
}
