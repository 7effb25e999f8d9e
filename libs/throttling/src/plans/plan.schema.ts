import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsObject, IsOptional, IsPositive, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { checkMapping, type FileIssue, isMapping, mappingEntries as entries } from '@infergate/validation';
import type { LimitScope, Plan, PlanLimits } from '../rate-limit.types';

export const PLAN_NAME = /^[a-z][a-z0-9-]{0,62}$/;

const MAPPING = { message: 'must be a mapping' };
const POSITIVE_NUMBER = { message: 'must be a positive number' };
const POSITIVE_INTEGER = { message: 'must be a positive integer' };

/** `rate` tokens per second or minute, up to `burst` at once. */
export class RateLimitDto {
  @IsNumber({ allowNaN: false, allowInfinity: false }, POSITIVE_NUMBER)
  @IsPositive(POSITIVE_NUMBER)
  rate!: number;

  @IsIn(['second', 'minute'], { message: 'must be "second" or "minute"' })
  per!: 'second' | 'minute';

  @IsInt(POSITIVE_INTEGER)
  @IsPositive(POSITIVE_INTEGER)
  burst!: number;
}

/** One optional rate limit per scope (LIMIT_SCOPES). */
export class RateLimitsDto implements Partial<Record<LimitScope, RateLimitDto>> {
  @IsOptional() @IsObject(MAPPING) @ValidateNested(MAPPING) @Type(() => RateLimitDto) user?: RateLimitDto;
  @IsOptional() @IsObject(MAPPING) @ValidateNested(MAPPING) @Type(() => RateLimitDto) application?: RateLimitDto;
  @IsOptional() @IsObject(MAPPING) @ValidateNested(MAPPING) @Type(() => RateLimitDto) project?: RateLimitDto;
  @IsOptional() @IsObject(MAPPING) @ValidateNested(MAPPING) @Type(() => RateLimitDto) organization?: RateLimitDto;
  @IsOptional() @IsObject(MAPPING) @ValidateNested(MAPPING) @Type(() => RateLimitDto) model?: RateLimitDto;
  @IsOptional() @IsObject(MAPPING) @ValidateNested(MAPPING) @Type(() => RateLimitDto) global?: RateLimitDto;
}

/** Units per calendar day and/or month (UTC). */
export class QuotaDto {
  @IsOptional() @IsInt(POSITIVE_INTEGER) @IsPositive(POSITIVE_INTEGER) day?: number;
  @IsOptional() @IsInt(POSITIVE_INTEGER) @IsPositive(POSITIVE_INTEGER) month?: number;
}

export class QuotasDto {
  @IsOptional() @IsObject(MAPPING) @ValidateNested(MAPPING) @Type(() => QuotaDto) organization?: QuotaDto;
  @IsOptional() @IsObject(MAPPING) @ValidateNested(MAPPING) @Type(() => QuotaDto) application?: QuotaDto;
}

/** Requests in flight at most. */
export class ConcurrencyDto {
  @IsOptional() @IsInt(POSITIVE_INTEGER) @IsPositive(POSITIVE_INTEGER) organization?: number;
  @IsOptional() @IsInt(POSITIVE_INTEGER) @IsPositive(POSITIVE_INTEGER) model?: number;
}

/** What an application or project override may change: any part of a plan's limits. */
export class PlanOverrideDto {
  @IsOptional() @IsObject(MAPPING) @ValidateNested(MAPPING) @Type(() => RateLimitsDto) rateLimits?: RateLimitsDto;
  @IsOptional() @IsObject(MAPPING) @ValidateNested(MAPPING) @Type(() => QuotasDto) quotas?: QuotasDto;
  @IsOptional() @IsObject(MAPPING) @ValidateNested(MAPPING) @Type(() => ConcurrencyDto) concurrency?: ConcurrencyDto;
}

/** A named plan: its limits (each part optional, empty when absent) and a description. */
export class PlanDto extends PlanOverrideDto {
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MaxLength(500, { message: 'must be at most 500 characters' })
  description?: string;
}

/**
 * The top level of one plan file. `plans`, `organizations`, `applications` and `projects` are mappings
 * whose keys the file chooses (plan names, organization names or ids, application and project ids):
 * class-validator checks the properties a class declares, so validatePlanFile checks those keys and
 * validates each entry with its class.
 */
export class PlanFileDto {
  @IsOptional() @IsObject(MAPPING) plans?: Record<string, unknown>;
  @IsOptional() @IsString({ message: 'must be a plan name' }) @MinLength(1, { message: 'must be a plan name' }) defaultPlan?: string;
  @IsOptional() @IsObject(MAPPING) organizations?: Record<string, unknown>;
  @IsOptional() @IsObject(MAPPING) applications?: Record<string, unknown>;
  @IsOptional() @IsObject(MAPPING) projects?: Record<string, unknown>;
}

/** One validated plan file: every part optional; the set as a whole needs plans and one defaultPlan. */
export interface PlanFile {
  plans?: Record<string, Omit<Plan, 'name'>>;
  defaultPlan?: string;
  organizations?: Record<string, string>;
  applications?: Record<string, Partial<PlanLimits>>;
  projects?: Record<string, Partial<PlanLimits>>;
}

/** A problem at a path in the file (the loader turns it into `file:line: at /pointer: message`). */
export type PlanIssue = FileIssue;

export type PlanFileValidation = { ok: true; file: PlanFile } | { ok: false; issues: PlanIssue[] };

const MAX_ID_LENGTH = 200;

/** Validates one parsed plan file (the YAML's value) with the classes above. */
export function validatePlanFile(value: unknown): PlanFileValidation {
  // Unknown keys are refused (a typo in a limit must not silently leave it unlimited); nothing is converted.
  const issues = checkMapping(PlanFileDto, value, [], 'a plan file is a mapping (plans, defaultPlan, organizations, …)');
  if (!isMapping(value)) return { ok: false, issues };
  const file = value;
  for (const [name, plan] of entries(file.plans)) {
    if (!PLAN_NAME.test(name)) issues.push({ path: ['plans', name], message: 'a plan name is lower-case letters, digits and "-"' });
    issues.push(...checkEntry(PlanDto, plan, ['plans', name]));
  }
  for (const [org, plan] of entries(file.organizations)) {
    issues.push(...checkId(org, ['organizations', org]));
    if (typeof plan !== 'string' || plan.length === 0) issues.push({ path: ['organizations', org], message: 'must be a plan name' });
  }
  for (const kind of ['applications', 'projects'] as const) {
    for (const [id, override] of entries(file[kind])) {
      issues.push(...checkId(id, [kind, id]));
      issues.push(...checkEntry(PlanOverrideDto, override, [kind, id]));
    }
  }
  if (issues.length > 0) return { ok: false, issues };

  // Validated and free of unknown keys: the plain values are the output, with a plan's parts defaulted.
  const plans: Record<string, Omit<Plan, 'name'>> = {};
  for (const [name, plan] of entries(file.plans)) {
    const { description, rateLimits, quotas, concurrency } = plan as PlanDto;
    plans[name] = {
      ...(description !== undefined ? { description } : {}),
      rateLimits: rateLimits ?? {},
      quotas: quotas ?? {},
      concurrency: concurrency ?? {},
    };
  }
  return {
    ok: true,
    file: {
      ...(file.plans !== undefined ? { plans } : {}),
      ...(file.defaultPlan !== undefined ? { defaultPlan: file.defaultPlan as string } : {}),
      ...(file.organizations !== undefined ? { organizations: file.organizations as Record<string, string> } : {}),
      ...(file.applications !== undefined ? { applications: file.applications as Record<string, Partial<PlanLimits>> } : {}),
      ...(file.projects !== undefined ? { projects: file.projects as Record<string, Partial<PlanLimits>> } : {}),
    },
  };
}

function checkEntry(type: new () => object, value: unknown, path: (string | number)[]): PlanIssue[] {
  // An empty entry (`free:` with nothing under it) is an empty plan or override.
  if (value === null || value === undefined) return [];
  return checkMapping(type, value, path);
}

function checkId(id: string, path: (string | number)[]): PlanIssue[] {
  return id.length > 0 && id.length <= MAX_ID_LENGTH ? [] : [{ path, message: `an id is 1 to ${MAX_ID_LENGTH} characters` }];
}
