import { Transform } from 'class-transformer';

/**
 * Environment variables are strings. These decorators turn the documented spellings of numbers and
 * booleans into values, explicitly and per property: implicit conversion would make "false" true and
 * "" zero. Anything they do not recognise is passed through unchanged, for the validator to refuse.
 */
export function ToNumber(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value));
}

const BOOLEAN_SPELLINGS: Readonly<Record<string, boolean>> = { true: true, '1': true, false: false, '0': false };

/** `true`, `false`, `"true"`, `"false"`, `"1"` and `"0"`; any other value stays as it is (and fails @IsBoolean). */
export function ToBoolean(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value in BOOLEAN_SPELLINGS ? BOOLEAN_SPELLINGS[value] : value,
  );
}
