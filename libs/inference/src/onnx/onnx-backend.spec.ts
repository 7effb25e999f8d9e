import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateOptions } from '@infergate/common';
import { InferenceModuleOptions } from '../inference.options';
import { UpstreamTimeoutError } from '../resilience/upstream.errors';
import { CREDIT_RISK_DEMO, CREDIT_RISK_FEATURES, creditRiskContract, creditRiskReference } from './credit-risk-demo';
import { OnnxBackend, packFeatureTensors, withDeadline } from './onnx-backend';
import { ModelFileUnavailableException, ModelInputMismatchException } from './onnx.errors';
import { OnnxSessionPool } from './onnx-session-pool';

const MODELS_DIR = resolve(__dirname, '..', '..', '..', '..', 'models');
const poolFor = (modelsDir: string) => new OnnxSessionPool(validateOptions(InferenceModuleOptions, { modelsDir }, 'inference'));
const features = creditRiskContract().features;
const rows = [
  { income: 52000, debt_ratio: 0.35, age: 41, credit_lines: 5, late_payments: 1, loan_amount: 15000 },
  { income: 250000, debt_ratio: 0.05, age: 60, credit_lines: 12, late_payments: 0, loan_amount: 5000 },
];
const columns = CREDIT_RISK_FEATURES.map((feature) => ({
  name: feature.name,
  datatype: feature.type === 'integer' ? ('INT64' as const) : ('FP64' as const),
  shape: [rows.length],
  data: rows.map((row) => row[feature.name as keyof (typeof rows)[0]]),
}));

describe('OnnxBackend (real onnxruntime, the bundled demo model)', () => {
  const pool = poolFor(MODELS_DIR);
  const backend = new OnnxBackend(pool);
  afterAll(() => pool.onApplicationShutdown());

  it('computes sigmoid(x·w + b) per row from per-feature tensors packed in contract order', async () => {
    const [probability] = await backend.infer(CREDIT_RISK_DEMO.modelPath, columns, features, 5000);
    expect(probability).toMatchObject({ name: 'probability', datatype: 'FP32', shape: [2, 1] });
    rows.forEach((row, index) => expect(Math.abs((probability.data[index] as number) - creditRiskReference(row))).toBeLessThan(1e-6));
  });

  it('feeds a tensor named like the graph input as it is', async () => {
    const data = CREDIT_RISK_FEATURES.map((feature) => rows[0][feature.name as keyof (typeof rows)[0]]);
    const [probability] = await backend.infer(
      CREDIT_RISK_DEMO.modelPath,
      [{ name: 'features', datatype: 'FP32', shape: [1, 6], data }],
      features,
      5000,
    );
    expect(Math.abs((probability.data[0] as number) - creditRiskReference(rows[0]))).toBeLessThan(1e-6);
  });

  it('describes the graph in OIP terms (symbolic dimensions as -1)', async () => {
    expect(await backend.metadata(CREDIT_RISK_DEMO.modelPath)).toEqual({
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 6] }],
      outputs: [{ name: 'probability', datatype: 'FP32', shape: [-1, 1] }],
    });
  });

  it('refuses a feature missing from the request, and text where the graph takes numbers', () => {
    expect(() => packFeatureTensors('features', columns.slice(1), features)).toThrow(ModelInputMismatchException);
    const text = columns.map((column, index) => (index === 0 ? { ...column, datatype: 'BYTES' as const, data: ['a', 'b'] } : column));
    expect(() => packFeatureTensors('features', text, features)).toThrow(ModelInputMismatchException);
  });
});

describe('OnnxSessionPool: model files stay inside MODELS_DIR', () => {
  let dir: string;
  let outside: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'infergate-models-'));
    outside = mkdtempSync(join(tmpdir(), 'infergate-outside-'));
    writeFileSync(join(outside, 'secret.onnx'), 'not a model');
    writeFileSync(join(dir, 'broken.onnx'), 'not a model either');
    symlinkSync(join(outside, 'secret.onnx'), join(dir, 'link.onnx'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it.each([
    ['a parent-directory path', '../infergate-outside/secret.onnx'],
    ['an absolute path', '/etc/passwd'],
    ['a symlink that leads outside', 'link.onnx'],
    ['a file that does not exist', 'missing.onnx'],
    ['the directory itself', '.'],
  ])('refuses %s', async (_case, modelPath) => {
    await expect(poolFor(dir).locate(modelPath)).rejects.toBeInstanceOf(ModelFileUnavailableException);
  });

  it('answers 503 for a file that is not an ONNX graph, and tries again on the next call', async () => {
    const pool = poolFor(dir);
    await expect(pool.session('broken.onnx')).rejects.toBeInstanceOf(ModelFileUnavailableException);
    await expect(pool.session('broken.onnx')).rejects.toBeInstanceOf(ModelFileUnavailableException);
  });
});

describe('withDeadline', () => {
  it('rejects with the 504 upstream-timeout problem when the work outlasts the deadline', async () => {
    const started = Date.now();
    await expect(withDeadline(new Promise(() => undefined), 50)).rejects.toBeInstanceOf(UpstreamTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('passes the result through when the work is on time', async () => {
    await expect(withDeadline(Promise.resolve(42), 1000)).resolves.toBe(42);
  });
});
