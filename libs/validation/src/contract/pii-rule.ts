import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsObject, ValidateNested } from 'class-validator';
import { Absent, TextOf } from './contract-fields';

export const PII_DETECTORS = ['email', 'phone', 'paymentCard', 'iban', 'nationalId', 'ipAddress'] as const;
export type PiiDetector = (typeof PII_DETECTORS)[number];

const INPUT_ACTIONS = ['reject', 'redact', 'allow'] as const;
const OUTPUT_ACTIONS = ['block', 'redact', 'allow'] as const;
export type PiiInputAction = (typeof INPUT_ACTIONS)[number];
export type PiiOutputAction = (typeof OUTPUT_ACTIONS)[number];

/** Per model version: what happens to personal data found in requests (before forwarding) and answers. */
export interface PiiRule {
  input: Partial<Record<PiiDetector, PiiInputAction>>;
  output: Partial<Record<PiiDetector, PiiOutputAction>>;
  /** National ID formats to detect; the built-in set when omitted. */
  nationalIdPatterns?: { name: string; pattern: string }[];
  /** Strings that must never leave in an answer (planted secrets, system-prompt markers). */
  canaries: string[];
  /** What happens when a canary appears in an answer. */
  canaryAction: 'block' | 'redact';
}

/** One class per action set: a detector is a known member, so an unknown one is refused like any unknown field. */
function actionsClass<A extends string>(actions: readonly A[], description: string): new () => Partial<Record<PiiDetector, A>> {
  class Actions {}
  for (const detector of PII_DETECTORS) {
    ApiPropertyOptional({ enum: actions, description })(Actions.prototype, detector);
    Absent()(Actions.prototype, detector);
    IsIn(actions, { message: `must be one of: ${actions.join(', ')}` })(Actions.prototype, detector);
  }
  return Actions;
}

export const PiiInputActionsDto = actionsClass(INPUT_ACTIONS, 'What happens to a request in which this detector finds something.');
export const PiiOutputActionsDto = actionsClass(OUTPUT_ACTIONS, 'What happens to an answer in which this detector finds something.');
Object.defineProperty(PiiInputActionsDto, 'name', { value: 'PiiInputActionsDto' });
Object.defineProperty(PiiOutputActionsDto, 'name', { value: 'PiiOutputActionsDto' });

export class NationalIdPatternDto {
  @ApiProperty({ minLength: 1, maxLength: 64 })
  @TextOf(64, 1)
  name!: string;

  @ApiProperty({ minLength: 1, maxLength: 500, description: 'A regular expression (u flag).' })
  @TextOf(500, 1)
  pattern!: string;
}

export class PiiRuleDto implements PiiRule {
  @ApiPropertyOptional({ type: PiiInputActionsDto, default: {} })
  @ValidateNested()
  @IsObject({ message: 'must be an object' })
  @Type(() => PiiInputActionsDto)
  input: Partial<Record<PiiDetector, PiiInputAction>> = new PiiInputActionsDto();

  @ApiPropertyOptional({ type: PiiOutputActionsDto, default: {} })
  @ValidateNested()
  @IsObject({ message: 'must be an object' })
  @Type(() => PiiOutputActionsDto)
  output: Partial<Record<PiiDetector, PiiOutputAction>> = new PiiOutputActionsDto();

  @ApiPropertyOptional({
    type: [NationalIdPatternDto],
    maxItems: 50,
    description: 'National ID formats to detect; the built-in set when omitted.',
  })
  @Absent()
  @ValidateNested({ each: true })
  @ArrayMaxSize(50, { message: 'must have at most 50 patterns' })
  @IsArray({ message: 'must be an array' })
  @Type(() => NationalIdPatternDto)
  nationalIdPatterns?: NationalIdPatternDto[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 100,
    default: [],
    description: 'Strings that must never leave in an answer (planted secrets, system-prompt markers); 4 to 256 characters each.',
  })
  @TextOf(256, 4, true)
  @ArrayMaxSize(100, { message: 'must have at most 100 canaries' })
  @IsArray({ message: 'must be an array' })
  canaries: string[] = [];

  @ApiPropertyOptional({ enum: ['block', 'redact'], default: 'block', description: 'What happens when a canary appears in an answer.' })
  @IsIn(['block', 'redact'], { message: 'must be block or redact' })
  canaryAction: 'block' | 'redact' = 'block';
}
