import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { EachItem, IsNullable, IsOmittable } from '@infergate/validation';
import {
  CLEARANCES,
  POLICY_ACTIONS,
  POLICY_SUBJECTS,
  ROLES,
  SCOPES,
  type Clearance,
  type PolicyAction,
  type PolicySubject,
  type Role,
  type Scope,
} from '@infergate/contracts';

const MAX_RESOURCE_PROPERTIES = 100;
/** Entity property names; also keeps `__proto__` and friends out of the resource. */
const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
const oneOf = (values: readonly string[]) => `Must be one of: ${values.join(', ')}.`;

const IdField = (): PropertyDecorator =>
  applyDecorators(
    IsString({ message: 'Must be a string.' }),
    MinLength(1, { message: 'Must not be empty.' }),
    MaxLength(200, { message: 'Must be at most 200 characters.' }),
  );

/** An array of at most `max` items, each passing `check` (reported at the item's pointer). */
const ListField = (max: number, name: string, check: (item: unknown) => boolean, message: string): PropertyDecorator =>
  applyDecorators(
    IsArray({ message: 'Must be an array.' }),
    ArrayMaxSize(max, { message: `Must have at most ${max} entries.` }),
    EachItem(name, check, message),
  );

const isRole = (item: unknown): boolean => (ROLES as readonly unknown[]).includes(item);
const isScope = (item: unknown): boolean => (SCOPES as readonly unknown[]).includes(item);
const isId = (item: unknown): boolean => typeof item === 'string' && item.length >= 1 && item.length <= 200;
const isRegion = (item: unknown): boolean => typeof item === 'string' && item.length >= 1 && item.length <= 100;

/** The principal an explanation is asked for: its attributes as a token would carry them. */
export class ExplainPrincipalDto {
  @ApiPropertyOptional({ description: 'Subject id, for conditions on `${principal.subject}`.' })
  @IsOmittable()
  @IdField()
  subject?: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @ListField(ROLES.length * 4, 'isExplainRole', isRole, oneOf(ROLES))
  roles!: Role[];

  @ApiProperty({ type: String, nullable: true })
  @IsNullable()
  @IdField()
  orgId!: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @ListField(1000, 'isExplainId', isId, 'Must be a string of 1 to 200 characters.')
  projectIds?: string[];

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, description: 'Token scopes; every scope when omitted, to explain roles alone.' })
  @IsOmittable()
  @ListField(SCOPES.length * 4, 'isExplainScope', isScope, oneOf(SCOPES))
  scopes?: Scope[];

  @ApiPropertyOptional({ enum: CLEARANCES, default: 'public' })
  @IsOmittable()
  @IsIn(CLEARANCES, { message: oneOf(CLEARANCES) })
  clearance?: Clearance;

  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @ListField(100, 'isExplainRegion', isRegion, 'Must be a string of 1 to 100 characters.')
  allowedRegions?: string[];
}

/** POST /v1/authz/explain */
export class ExplainRequestDto {
  @ApiProperty({ type: ExplainPrincipalDto })
  @IsObject({ message: 'Must be an object.' })
  @ValidateNested()
  @Type(() => ExplainPrincipalDto)
  principal!: ExplainPrincipalDto;

  @ApiProperty({ enum: POLICY_ACTIONS })
  @IsIn(POLICY_ACTIONS, { message: oneOf(POLICY_ACTIONS) })
  action!: PolicyAction;

  @ApiProperty({ enum: POLICY_SUBJECTS })
  @IsIn(POLICY_SUBJECTS, { message: oneOf(POLICY_SUBJECTS) })
  subject!: PolicySubject;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The resource attributes; the type alone when omitted.' })
  @IsOptional()
  @IsObject({ message: 'Must be an object.' })
  @ValidateBy(
    {
      name: 'isResource',
      validator: {
        validate: (value: unknown) => {
          const keys = Object.keys(value as object);
          return keys.length <= MAX_RESOURCE_PROPERTIES && keys.every((key) => PROPERTY_NAME.test(key));
        },
      },
    },
    { message: `At most ${MAX_RESOURCE_PROPERTIES} properties, each named like an entity property.` },
  )
  resource?: Record<string, unknown>;
}

/** The validated request, as the service takes it. */
export type ExplainRequest = ExplainRequestDto;

export interface MatchedRule {
  id: string;
  effect: 'allow' | 'deny';
  conditionsMatched: boolean;
  reason: string;
}

export interface Explanation {
  decision: 'allow' | 'deny';
  policyVersion: string;
  decidingRule: string | null;
  matchedRules: MatchedRule[];
  missingScopes: string[];
}

class MatchedRuleDto implements MatchedRule {
  @ApiProperty()
  id!: string;

  @ApiProperty({ enum: ['allow', 'deny'] })
  effect!: 'allow' | 'deny';

  @ApiProperty()
  conditionsMatched!: boolean;

  @ApiProperty()
  reason!: string;
}

export class ExplanationDto implements Explanation {
  @ApiProperty({ enum: ['allow', 'deny'] })
  decision!: 'allow' | 'deny';

  @ApiProperty()
  policyVersion!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The rule that decided, `no-allow-rule` when nothing allowed.' })
  decidingRule!: string | null;

  @ApiProperty({ type: [MatchedRuleDto], description: "Every rule for this action and subject type that the principal's roles bring." })
  matchedRules!: MatchedRule[];

  @ApiProperty({ type: [String], description: 'Scopes the token lacks for allow rules that would otherwise match.' })
  missingScopes!: string[];
}
