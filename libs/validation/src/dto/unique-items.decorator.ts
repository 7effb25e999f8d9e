import { ArrayUnique, type ValidationOptions } from 'class-validator';

/** An array whose entries are all different (compared with ===), with the house message. */
export function UniqueItems(options?: ValidationOptions): PropertyDecorator {
  return ArrayUnique({ message: 'Must not repeat an entry.', ...options });
}
