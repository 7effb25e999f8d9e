import { isCidr } from '@infergate/common';
import { z } from 'zod';
import { CLEARANCES, CLIENT_AUTH_METHODS, ROLES, SCOPES } from '@infergate/contracts';

/** Shared field rules of the admin API's request bodies. */
export const nameField = z
  .string()
  .trim()
  .min(1, 'Must not be empty.')
  .max(100, 'Must be at most 100 characters.')
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u,
    'Letters, digits, spaces, dots, underscores and hyphens only, starting with a letter or digit.',
  );

export const displayNameField = z.string().trim().min(1).max(200, 'Must be at most 200 characters.');

export const regionField = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'A region is lower-case letters, digits and hyphens (at most 64).');

export const cidrField = z.string().refine(isCidr, 'Must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8.');

export const scopeField = z.enum(SCOPES, { message: `Must be one of: ${SCOPES.join(', ')}.` });
export const roleField = z.enum(ROLES, { message: `Must be one of: ${ROLES.join(', ')}.` });
export const clearanceField = z.enum(CLEARANCES, { message: `Must be one of: ${CLEARANCES.join(', ')}.` });
export const authMethodField = z.enum(CLIENT_AUTH_METHODS, { message: `Must be one of: ${CLIENT_AUTH_METHODS.join(', ')}.` });
export const idField = z.uuid('Must be a UUID.');

const unique = <T>(items: T[]): boolean => new Set(items).size === items.length;
export const regionsField = z.array(regionField).max(50).refine(unique, 'Must not repeat an entry.');
export const cidrsField = z.array(cidrField).max(100).refine(unique, 'Must not repeat an entry.');
export const scopesField = z.array(scopeField).max(SCOPES.length).refine(unique, 'Must not repeat an entry.');

/** An address with a prefix length that fits its family; the form ipInAnyCidr() accepts. */
