import { Transform } from 'class-transformer';
import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but when given it is checked, `null` included. class-validator's
 * @IsOptional() also skips every check for `null`, which would let `{"name": null}` reach a service
 * that expects a string (use @IsOptional() only where null is an accepted value).
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((object: object, value: unknown) => value !== undefined);
}

/** The field is required but may be `null`: only a non-null value is checked further. */
export function IsNullable(): PropertyDecorator {
  return ValidateIf((object: object, value: unknown) => value !== null);
}

/** Trims a string value before its checks (other values are left for the type check to refuse). */
export function Trim(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value), { toClassOnly: true });
}
