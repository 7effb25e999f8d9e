import { CLEARANCES } from '@infergate/contracts';
import { z } from 'zod';

/** Shared field rules of the registry's request bodies and queries. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a model id (as opposed to a model name, which can never look like one). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export const modelNameField = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    'Letters, digits, dots, underscores and hyphens (at most 100), starting with a letter or digit.',
  )
  .refine((name) => !isUuid(name), 'A model name must not look like a UUID (ids and names share the URL).');

export const aliasNameField = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'Lower-case letters, digits, underscores and hyphens (at most 64), starting with a letter.');

export const tagField = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'Letters, digits and . _ : - (at most 64).');
export const tagsField = z
  .array(tagField)
  .max(32)
  .refine((tags) => new Set(tags).size === tags.length, 'Must not repeat a tag.');

export const clearanceField = z.enum(CLEARANCES, { message: `Must be one of: ${CLEARANCES.join(', ')}.` });
export const regionField = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'A region is lower-case letters, digits and hyphens (at most 64).');
export const idField = z.uuid('Must be a UUID.');
export const reasonField = z.string().trim().min(1, 'Must not be empty.').max(1000, 'Must be at most 1000 characters.');
export const statusField = z.enum(['active', 'disabled'], { message: 'Must be active or disabled.' });
