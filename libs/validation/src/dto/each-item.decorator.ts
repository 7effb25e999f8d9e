import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * Item checks by constraint name, so that validationErrorsToProblemErrors() can point at the failing
 * items (`/allowedScopes/1`) where class-validator's `{ each: true }` only names the array.
 */
const ITEM_CHECKS = new Map<string, (item: unknown) => boolean>();

/** The check registered under a constraint name by EachItem(), if any. */
export function itemCheckOf(constraint: string): ((item: unknown) => boolean) | undefined {
  return ITEM_CHECKS.get(constraint);
}

/**
 * Every item of an array property passes `isValid`; a violation is reported once per failing item, at
 * that item's pointer. `name` identifies the check (one check per name). A value that is not an array
 * is left to the property's @IsArray().
 */
export function EachItem(
  name: string,
  isValid: (item: unknown) => boolean,
  message: string,
  options?: ValidationOptions,
): PropertyDecorator {
  const known = ITEM_CHECKS.get(name);
  if (known && known !== isValid) throw new Error(`EachItem: "${name}" is already the name of another check`);
  ITEM_CHECKS.set(name, isValid);
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message, ...options },
      validator: { validate: (value: unknown) => !Array.isArray(value) || value.every(isValid) },
    });
}
