import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { isCidr } from '@infergate/common';
import { CLEARANCES, CLIENT_AUTH_METHODS, ROLES, SCOPES } from '@infergate/contracts';
import { EachItem, Trim, UniqueItems } from '@infergate/validation';

/** Field rules of the admin API's request DTOs; each goes with @IsOmittable()/@IsOptional() where the field may be left out. */

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;
const REGION = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MUST_BE_STRING = { message: 'Must be a string.' };
const oneOf = (values: readonly string[]) => `Must be one of: ${values.join(', ')}.`;

/** A resource name: trimmed, 1..100 letters, digits, spaces, dots, underscores and hyphens. */
export function NameField(): PropertyDecorator {
  return applyDecorators(
    Trim(),
    IsString(MUST_BE_STRING),
    MinLength(1, { message: 'Must not be empty.' }),
    MaxLength(100, { message: 'Must be at most 100 characters.' }),
    Matches(NAME, { message: 'Letters, digits, spaces, dots, underscores and hyphens only, starting with a letter or digit.' }),
  );
}

export function DisplayNameField(): PropertyDecorator {
  return applyDecorators(
    Trim(),
    IsString(MUST_BE_STRING),
    MinLength(1, { message: 'Must not be empty.' }),
    MaxLength(200, { message: 'Must be at most 200 characters.' }),
  );
}

const isRegion = (item: unknown): boolean => typeof item === 'string' && REGION.test(item);
const isCidrItem = (item: unknown): boolean => typeof item === 'string' && isCidr(item);
const isScope = (item: unknown): boolean => (SCOPES as readonly unknown[]).includes(item);

/** Regions such as eu-west-1, each at most once. */
export function RegionsField(): PropertyDecorator {
  return applyDecorators(
    IsArray({ message: 'Must be an array.' }),
    ArrayMaxSize(50, { message: 'Must have at most 50 entries.' }),
    EachItem('isRegion', isRegion, 'A region is lower-case letters, digits and hyphens (at most 64).'),
    UniqueItems(),
  );
}

/** IPv4 or IPv6 CIDRs, each at most once. */
export function CidrsField(): PropertyDecorator {
  return applyDecorators(
    IsArray({ message: 'Must be an array.' }),
    ArrayMaxSize(100, { message: 'Must have at most 100 entries.' }),
    EachItem('isCidr', isCidrItem, 'Must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8.'),
    UniqueItems(),
  );
}

/** OAuth scopes the gateway knows, each at most once; `minItems` for a list that may not be empty. */
export function ScopesField(minItems = 0): PropertyDecorator {
  return applyDecorators(
    IsArray({ message: 'Must be an array.' }),
    ...(minItems > 0 ? [ArrayMinSize(minItems, { message: 'At least one scope.' })] : []),
    ArrayMaxSize(SCOPES.length, { message: `Must have at most ${SCOPES.length} entries.` }),
    EachItem('isScope', isScope, oneOf(SCOPES)),
    UniqueItems(),
  );
}

export const RoleField = (): PropertyDecorator => IsIn(ROLES, { message: oneOf(ROLES) });
export const ClearanceField = (): PropertyDecorator => IsIn(CLEARANCES, { message: oneOf(CLEARANCES) });
export const AuthMethodField = (): PropertyDecorator => IsIn(CLIENT_AUTH_METHODS, { message: oneOf(CLIENT_AUTH_METHODS) });
export const StatusField = (): PropertyDecorator => IsIn(['active', 'disabled'], { message: oneOf(['active', 'disabled']) });
export const IdField = (): PropertyDecorator => IsUUID('all', { message: 'Must be a UUID.' });
