import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';
import { CLEARANCES } from '@infergate/contracts';

/**
 * Shared field rules of the registry's request bodies and queries, as class-validator decorators.
 * When a type check (isString, isInt...) fails, the pipe reports it alone: the finer rules beside it
 * would only repeat it.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a model id (as opposed to a model name, which can never look like one). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The field may be left out, but not sent as null (class-validator's @IsOptional lets null through,
 * which would clear a column the caller cannot clear).
 */
export const Absentable = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const MODEL_NAME_RULE = 'Letters, digits, dots, underscores and hyphens (at most 100), starting with a letter or digit.';

export const ModelNameField = (): PropertyDecorator =>
  applyDecorators(
    IsString({ message: 'Must be a string.' }),
    Matches(MODEL_NAME, { message: MODEL_NAME_RULE }),
    ValidateBy(
      { name: 'notUuid', validator: { validate: (value) => typeof value !== 'string' || !isUuid(value) } },
      {
        message: 'A model name must not look like a UUID (ids and names share the URL).',
      },
    ),
  );

const ALIAS_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const ALIAS_NAME_RULE = 'Lower-case letters, digits, underscores and hyphens (at most 64), starting with a letter.';

/** Why an alias name (a path segment) is not valid, or null when it is. */
export function aliasNameProblem(name: string): string | null {
  return ALIAS_NAME.test(name) ? null : ALIAS_NAME_RULE;
}

const TAG = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const TAG_RULE = 'Letters, digits and . _ : - (at most 64).';

export const TagField = (): PropertyDecorator =>
  applyDecorators(IsString({ message: 'Must be a string.' }), Matches(TAG, { message: TAG_RULE }));

export const TagsField = (): PropertyDecorator =>
  applyDecorators(
    IsArray({ message: 'Must be an array of tags.' }),
    ArrayMaxSize(32, { message: 'Must have at most 32 tags.' }),
    IsString({ each: true, message: 'Must be a string.' }),
    Matches(TAG, { each: true, message: TAG_RULE }),
    Unique('Must not repeat a tag.'),
  );

export const ClearanceField = (): PropertyDecorator => IsIn(CLEARANCES, { message: `Must be one of: ${CLEARANCES.join(', ')}.` });

export const RegionField = (): PropertyDecorator =>
  applyDecorators(
    IsString({ message: 'Must be a string.' }),
    Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'A region is lower-case letters, digits and hyphens (at most 64).' }),
  );

export const IdField = (): PropertyDecorator => IsUUID('all', { message: 'Must be a UUID.' });

/** A reason for the audit trail: trimmed, then 1 to 1000 characters. */
export const ReasonField = (): PropertyDecorator =>
  applyDecorators(
    IsString({ message: 'Must be a string.' }),
    MinLength(1, { message: 'Must not be empty.' }),
    MaxLength(1000, { message: 'Must be at most 1000 characters.' }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value)),
  );

export const StatusField = (): PropertyDecorator => IsIn(['active', 'disabled'], { message: 'Must be active or disabled.' });

/** Strings of at most `max` characters (class-validator's own text would repeat the field name the pointer already gives). */
export const Text = (max: number, min = 0): PropertyDecorator =>
  applyDecorators(
    IsString({ message: 'Must be a string.' }),
    ...(min > 0 ? [MinLength(min, { message: min === 1 ? 'Must not be empty.' : `Must be at least ${min} characters.` })] : []),
    MaxLength(max, { message: `Must be at most ${max} characters.` }),
  );

/** An array without repeated entries. */
export function Unique(message: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'uniqueItems',
      validator: { validate: (value) => !Array.isArray(value) || new Set(value).size === value.length },
    },
    { ...options, message },
  );
}
