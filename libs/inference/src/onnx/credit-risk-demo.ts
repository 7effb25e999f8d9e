import type { InputContract } from '@infergate/validation';

/**
 * The bundled demo model: a credit-risk logistic regression, produced by scripts/make-demo-model.ts
 * and served in-process by the `onnx` backend. Its parameters live here (not only in the .onnx file)
 * so that the seeding, the script and the tests share one source of truth:
 *
 *   probability of default = sigmoid(features · WEIGHTS + BIAS)
 *
 * The weights are hand-picked, not trained: plausible signs and magnitudes on raw (unscaled) inputs
 * so that the demo answers something a credit analyst would recognise (more late payments and a
 * higher debt ratio raise the risk; income, age and established credit lines lower it).
 */

export interface DemoFeature {
  name: string;
  description: string;
  type: 'number' | 'integer';
  minimum: number;
  maximum: number;
  weight: number;
}

/** In the column order of the model's `features` input tensor. */
export const CREDIT_RISK_FEATURES: readonly DemoFeature[] = [
  { name: 'income', description: 'Annual income in currency units', type: 'number', minimum: 0, maximum: 10_000_000, weight: -0.00002 },
  { name: 'debt_ratio', description: 'Monthly debt payments / monthly income', type: 'number', minimum: 0, maximum: 10, weight: 2.5 },
  { name: 'age', description: 'Applicant age in years', type: 'integer', minimum: 18, maximum: 120, weight: -0.02 },
  { name: 'credit_lines', description: 'Open credit lines', type: 'integer', minimum: 0, maximum: 100, weight: -0.05 },
  {
    name: 'late_payments',
    description: 'Payments 30+ days late in the last 2 years',
    type: 'integer',
    minimum: 0,
    maximum: 100,
    weight: 0.6,
  },
  {
    name: 'loan_amount',
    description: 'Requested loan amount in currency units',
    type: 'number',
    minimum: 0,
    maximum: 10_000_000,
    weight: 0.00001,
  },
];

export const CREDIT_RISK_BIAS = -1.5;

export const CREDIT_RISK_DEMO = {
  modelName: 'credit-risk',
  description: 'Demo: probability of default from six applicant features (logistic regression, ONNX, in-process).',
  /** Relative to `MODELS_DIR`. */
  modelPath: 'credit-risk/credit-risk-v1.onnx',
  inputName: 'features',
  outputName: 'probability',
} as const;

/** The input contract the demo version is registered with: the six features, all required, with ranges. */
export function creditRiskContract(): InputContract {
  return {
    features: CREDIT_RISK_FEATURES.map((feature) => ({
      name: feature.name,
      type: feature.type,
      required: true,
      description: feature.description,
      minimum: feature.minimum,
      maximum: feature.maximum,
    })),
    maxBatch: 1000,
  };
}

/** The model's answer for one row, computed in float32 like onnxruntime does (for tests and docs). */
export function creditRiskReference(row: Record<string, number>): number {
  let logit = Math.fround(CREDIT_RISK_BIAS);
  let dot = 0;
  for (const feature of CREDIT_RISK_FEATURES) {
    dot = Math.fround(dot + Math.fround(Math.fround(row[feature.name]) * Math.fround(feature.weight)));
  }
  logit = Math.fround(dot + logit);
  return 1 / (1 + Math.exp(-logit));
}
