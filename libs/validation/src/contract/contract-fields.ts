import { applyDecorators } from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength, Min, MinLength, ValidateIf, type IsNumberOptions } from 'class-validator';

/**
 * Field rules shared by the contract classes. When a type check (isString, isInt...) fails, the pipe
 * reports it alone: the range checks beside it would only repeat it.
 */

/** May be left out, but not sent as null (class-validator's @IsOptional would let null through). */
export const Absent = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

/** JSON has neither NaN nor Infinity; said anyway so that a contract built in code cannot carry them. */
export const FINITE: IsNumberOptions = { allowNaN: false, allowInfinity: false };

export const IntegerIn = (min: number, max: number): PropertyDecorator =>
  applyDecorators(
    IsInt({ message: 'must be an integer' }),
    Min(min, { message: `must be at least ${min}` }),
    Max(max, { message: `must be at most ${max}` }),
  );

/** A string of `min` to `max` characters (each: every item of an array). */
export const TextOf = (max: number, min = 0, each = false): PropertyDecorator =>
  applyDecorators(
    IsString({ each, message: 'must be a string' }),
    ...(min > 0 ? [MinLength(min, { each, message: `must have at least ${min} characters` })] : []),
    MaxLength(max, { each, message: `must have at most ${max} characters` }),
  );
