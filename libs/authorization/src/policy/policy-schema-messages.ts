import type { ValidationArguments, ValidationOptions } from 'class-validator';

/**
 * The messages of the policy and policy-test files. They name the value the file holds, so that the
 * author sees what was read (`unknown role "root"`), and what would have been accepted.
 */

/** `kind is required` (with the accepted values when there are few). */
export function required(kind: string, allowed?: readonly string[]): ValidationOptions {
  return { message: allowed ? `${kind} is required (one of ${allowed.join(', ')})` : `${kind} is required` };
}

/** A single value outside `allowed`. */
export function oneOf(kind: string, allowed: readonly string[]): ValidationOptions {
  return { message: (args: ValidationArguments) => unknownItem(kind, allowed)(args.value) };
}

/** An item of a list outside `allowed`, for EachItem(). */
export function unknownItem(kind: string, allowed: readonly string[]): (item: unknown) => string {
  return (item) => `unknown ${kind} ${JSON.stringify(item)} (expected one of ${allowed.join(', ')})`;
}
