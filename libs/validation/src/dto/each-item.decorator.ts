import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** A fixed message, or one that names the failing item (`unknown role "root"`). */
export type ItemMessage = string | ((item: unknown) => string);

interface ItemCheck {
  isValid: (item: unknown) => boolean;
  message: ItemMessage;
}

/**
 * Item checks by constraint name, so that the error walkers (validationErrorsToProblemErrors(),
 * fileIssuesOf()) can point at the failing items (`/allowedScopes/1`) where class-validator's
 * `{ each: true }` only names the array.
 */
const ITEM_CHECKS = new Map<string, ItemCheck>();

/** The check registered under a constraint name by EachItem(), if any. */
export function itemCheckOf(constraint: string): ((item: unknown) => boolean) | undefined {
  return ITEM_CHECKS.get(constraint)?.isValid;
}

/** The message of a failing item under a constraint name registered by EachItem(), if any. */
export function itemMessageOf(constraint: string, item: unknown): string | undefined {
  const message = ITEM_CHECKS.get(constraint)?.message;
  return typeof message === 'function' ? message(item) : message;
}

/**
 * Every item of an array property passes `isValid`; a violation is reported once per failing item, at
 * that item's pointer, with `message` (given the item when it is a function). `name` identifies the
 * check (one check per name). A value that is not an array is left to the property's @IsArray().
 */
export function EachItem(
  name: string,
  isValid: (item: unknown) => boolean,
  message: ItemMessage,
  options?: ValidationOptions,
): PropertyDecorator {
  const known = ITEM_CHECKS.get(name);
  if (known && known.isValid !== isValid) throw new Error(`EachItem: "${name}" is already the name of another check`);
  ITEM_CHECKS.set(name, { isValid, message });
  // class-validator reports the array once: its message names the first failing item.
  const arrayMessage =
    typeof message === 'function'
      ? (args: ValidationArguments) => message((args.value as unknown[]).find((item) => !isValid(item)))
      : message;
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: arrayMessage, ...options },
      validator: { validate: (value: unknown) => !Array.isArray(value) || value.every(isValid) },
    });
}
