import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { CLEARANCES, POLICY_ACTIONS, POLICY_SUBJECTS, ROLES, SCOPES } from '@infergate/contracts';

const id = z.string().min(1).max(200);
const MAX_RESOURCE_PROPERTIES = 100;
/** Entity property names; also keeps `__proto__` and friends out of the resource. */
const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

export const explainRequestSchema = z.strictObject({
  principal: z.strictObject({
    subject: id.optional(),
    roles: z.array(z.enum(ROLES)).max(ROLES.length * 4),
    orgId: id.nullable(),
    projectIds: z.array(id).max(1000).optional(),
    scopes: z
      .array(z.enum(SCOPES))
      .max(SCOPES.length * 4)
      .optional(),
    clearance: z.enum(CLEARANCES).optional(),
    allowedRegions: z.array(z.string().min(1).max(100)).max(100).optional(),
  }),
  action: z.enum(POLICY_ACTIONS),
  subject: z.enum(POLICY_SUBJECTS),
  resource: z
    .record(z.string().regex(PROPERTY_NAME, 'Must be a property name.'), z.json())
    .refine((value) => Object.keys(value).length <= MAX_RESOURCE_PROPERTIES, `At most ${MAX_RESOURCE_PROPERTIES} properties.`)
    .optional(),
});
export type ExplainRequest = z.output<typeof explainRequestSchema>;

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

class ExplainPrincipalDto {
  @ApiPropertyOptional({ description: 'Subject id, for conditions on `${principal.subject}`.' })
  subject?: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: string[];

  @ApiProperty({ type: String, nullable: true })
  orgId!: string | null;

  @ApiPropertyOptional({ type: [String] })
  projectIds?: string[];

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, description: 'Token scopes; every scope when omitted, to explain roles alone.' })
  scopes?: string[];

  @ApiPropertyOptional({ enum: CLEARANCES, default: 'public' })
  clearance?: string;

  @ApiPropertyOptional({ type: [String] })
  allowedRegions?: string[];
}

export class ExplainRequestDto {
  @ApiProperty({ type: ExplainPrincipalDto })
  principal!: ExplainPrincipalDto;

  @ApiProperty({ enum: POLICY_ACTIONS })
  action!: string;

  @ApiProperty({ enum: POLICY_SUBJECTS })
  subject!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The resource attributes; the type alone when omitted.' })
  resource?: Record<string, unknown>;
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
