import { z } from 'zod';

/**
 * The input contract of a model version: what a data scientist writes by hand (or generates from a
 * training frame) and the gateway enforces on every inference request before anything goes upstream.
 * Stored with the version as JSON; compiled once (ajv) per version and cached.
 */

/** KServe Open Inference Protocol v2 tensor datatypes. */
export const TENSOR_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;
export type TensorDatatype = (typeof TENSOR_DATATYPES)[number];

export const FEATURE_TYPES = ['number', 'integer', 'boolean', 'string', 'enum', 'tensor'] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];

const featureName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, 'must start with a letter or _ and use letters, digits, _ . - (at most 128)');

export const featureSchema = z
  .strictObject({
    name: featureName,
    type: z.enum(FEATURE_TYPES),
    required: z.boolean().default(true),
    description: z.string().max(500).optional(),
    /** number, integer, and the elements of numeric tensors. */
    minimum: z.number().finite().optional(),
    maximum: z.number().finite().optional(),
    /** string, and the elements of BYTES tensors. */
    maxLength: z.number().int().positive().max(1_000_000).optional(),
    pattern: z.string().max(1000).optional(),
    /** enum: the allowed values. */
    values: z
      .array(z.union([z.string().max(1000), z.number().finite()]))
      .min(1)
      .max(10_000)
      .optional(),
    /** tensor: element datatype and shape; -1 marks a variable dimension (e.g. the batch). */
    datatype: z.enum(TENSOR_DATATYPES).optional(),
    shape: z.array(z.number().int().min(-1)).min(1).max(8).optional(),
    /** tensor: the most elements accepted, whatever the shape says (bounds variable dimensions). */
    maxElements: z.number().int().positive().max(100_000_000).optional(),
  })
  .superRefine((feature, ctx) => {
    const issue = (message: string, path: string) => ctx.addIssue({ code: 'custom', message, path: [path] });
    // Requests carrying these keys are refused before parsing (prototype pollution), so no row could name them.
    if (['__proto__', 'constructor', 'prototype'].includes(feature.name)) issue('this name is reserved', 'name');
    if (feature.type === 'enum' && !feature.values) issue('an enum feature lists its values', 'values');
    if (feature.type !== 'enum' && feature.values) issue('only enum features have values', 'values');
    if (feature.type === 'tensor' && (!feature.datatype || !feature.shape)) issue('a tensor feature has a datatype and a shape', 'shape');
    if (feature.type !== 'tensor' && (feature.datatype || feature.shape || feature.maxElements))
      issue('datatype, shape and maxElements are for tensor features', 'datatype');
    if (feature.minimum !== undefined && feature.maximum !== undefined && feature.minimum > feature.maximum)
      issue('minimum is greater than maximum', 'minimum');
    if ((feature.maxLength !== undefined || feature.pattern !== undefined) && !['string', 'tensor'].includes(feature.type))
      issue('maxLength and pattern are for string features and BYTES tensors', 'maxLength');
    if (feature.pattern !== undefined) {
      try {
        new RegExp(feature.pattern, 'u');
      } catch {
        issue('pattern is not a valid regular expression', 'pattern');
      }
    }
  });
export type Feature = z.output<typeof featureSchema>;

export const openAiLimitsSchema = z.strictObject({
  maxTokens: z.number().int().positive().max(10_000_000).optional(),
  maxMessages: z.number().int().positive().max(100_000).optional(),
  /** Total characters of all prompt / message / input text. */
  maxInputChars: z.number().int().positive().max(100_000_000).optional(),
});
export type OpenAiLimits = z.output<typeof openAiLimitsSchema>;

export const inputContractSchema = z
  .strictObject({
    features: z.array(featureSchema).max(10_000).default([]),
    /** Rows per native `instances` request. */
    maxBatch: z.number().int().positive().max(100_000).default(1000),
    /** Free-form JSON Schema (draft 2020-12 subset ajv supports), applied to each native row in addition. */
    jsonSchema: z.record(z.string(), z.unknown()).optional(),
    /** For `openai` backends: limits checked on chat/completions/embeddings requests. */
    openai: openAiLimitsSchema.optional(),
  })
  .superRefine((contract, ctx) => {
    const seen = new Set<string>();
    contract.features.forEach((feature, index) => {
      if (seen.has(feature.name)) ctx.addIssue({ code: 'custom', message: 'feature names are unique', path: ['features', index, 'name'] });
      seen.add(feature.name);
    });
  });
export type InputContract = z.output<typeof inputContractSchema>;

export const PII_DETECTORS = ['email', 'phone', 'paymentCard', 'iban', 'nationalId', 'ipAddress'] as const;
export type PiiDetector = (typeof PII_DETECTORS)[number];

const inputAction = z.enum(['reject', 'redact', 'allow']);
const outputAction = z.enum(['block', 'redact', 'allow']);

/** Per model version: what happens to personal data found in requests (before forwarding) and answers. */
export const piiRuleSchema = z.strictObject({
  input: z.partialRecord(z.enum(PII_DETECTORS), inputAction).default({}),
  output: z.partialRecord(z.enum(PII_DETECTORS), outputAction).default({}),
  /** National ID formats to detect; the built-in set when omitted. */
  nationalIdPatterns: z
    .array(z.strictObject({ name: z.string().min(1).max(64), pattern: z.string().min(1).max(500) }))
    .max(50)
    .optional(),
  /** Strings that must never leave in an answer (planted secrets, system-prompt markers). */
  canaries: z.array(z.string().min(4).max(256)).max(100).default([]),
  /** What happens when a canary appears in an answer. */
  canaryAction: outputAction.exclude(['allow']).default('block'),
});
export type PiiRule = z.output<typeof piiRuleSchema>;
