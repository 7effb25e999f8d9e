import { z } from 'zod';
import { LIMIT_SCOPES, type LimitScope } from '../rate-limit.types';

const positive = z.number().positive().finite();
const positiveInt = z.number().int().positive();

export const PLAN_NAME = /^[a-z][a-z0-9-]{0,62}$/;

const rateLimitSchema = z.strictObject({
  rate: positive,
  per: z.enum(['second', 'minute']),
  burst: positiveInt,
});

const rateLimitsSchema = z.strictObject(
  Object.fromEntries(LIMIT_SCOPES.map((scope) => [scope, rateLimitSchema.optional()])) as Record<
    LimitScope,
    z.ZodOptional<typeof rateLimitSchema>
  >,
);

const quotaSchema = z.strictObject({ day: positiveInt.optional(), month: positiveInt.optional() });
const quotasSchema = z.strictObject({ organization: quotaSchema.optional(), application: quotaSchema.optional() });
const concurrencySchema = z.strictObject({ organization: positiveInt.optional(), model: positiveInt.optional() });

export const planSchema = z.strictObject({
  description: z.string().max(500).optional(),
  rateLimits: rateLimitsSchema.default({}),
  quotas: quotasSchema.default({}),
  concurrency: concurrencySchema.default({}),
});

export const planOverrideSchema = z.strictObject({
  rateLimits: rateLimitsSchema.optional(),
  quotas: quotasSchema.optional(),
  concurrency: concurrencySchema.optional(),
});

const idSchema = z.string().min(1).max(200);

/** One file of the plan set. Every part is optional; the set as a whole needs plans and one defaultPlan. */
export const planFileSchema = z.strictObject({
  plans: z.record(z.string().regex(PLAN_NAME, 'a plan name is lower-case letters, digits and "-"'), planSchema).optional(),
  defaultPlan: z.string().min(1).optional(),
  organizations: z.record(idSchema, z.string().min(1)).optional(),
  applications: z.record(idSchema, planOverrideSchema).optional(),
  projects: z.record(idSchema, planOverrideSchema).optional(),
});

export type PlanFile = z.output<typeof planFileSchema>;
