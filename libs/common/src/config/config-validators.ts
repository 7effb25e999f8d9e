import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * An absolute URL as WHATWG `new URL()` reads it. class-validator's IsUrl wants a top-level domain,
 * which would refuse the documented `http://localhost:3000` issuer and in-cluster host names.
 */
export function IsAbsoluteUrl(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAbsoluteUrl',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && URL.canParse(value),
        defaultMessage: () => 'must be an absolute URL',
      },
    },
    validationOptions,
  );
}
