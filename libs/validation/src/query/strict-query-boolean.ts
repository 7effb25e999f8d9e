import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';

const STRICT: Readonly<Record<string, boolean>> = { true: true, false: false };

/**
 * A boolean query parameter parsed strictly: only `true` and `false`; anything else (`0`, `1`, `yes`,
 * `TRUE`, a repeated parameter) is a 400. JavaScript truthiness (`?flag=0` → true) and `Boolean("false")`
 * → true are the surprises it avoids. Give the property its default as an initialiser (`flag = false`).
 */
export function QueryBoolean(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && Object.hasOwn(STRICT, value) ? STRICT[value] : value)),
    IsBoolean({ message: 'must be true or false' }),
  );
}
