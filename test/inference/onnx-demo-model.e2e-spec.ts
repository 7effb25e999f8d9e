import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDIT_RISK_FEATURES, creditRiskReference } from '@infergate/inference';
import { buildCreditRiskModel, CREDIT_RISK_MODEL_FILE } from '../../scripts/make-demo-model';
import { issueToken } from '../authorization/support/principals';
import { RunningGateway, startGateway } from '../support/in-process-gateway';

/**
 * The bundled demo model, end to end: seeded on first start of the embedded profile, called with the
 * bootstrap admin's token exactly as the README quick start does, answered by real onnxruntime
 * inference; the numbers are checked against sigmoid(x·w + b) computed from the script's weights.
 */
const ADMIN = { id: 'quickstart-admin', secret: 'quickstart-admin-secret-for-tests-only' };
const MODELS_DIR = join(__dirname, '..', '..', 'models');

const applicant = { income: 52000, debt_ratio: 0.35, age: 41, credit_lines: 5, late_payments: 1, loan_amount: 15000 };
const risky = { income: 12000, debt_ratio: 1.2, age: 22, credit_lines: 1, late_payments: 6, loan_amount: 40000 };

describe('ONNX demo model (credit-risk)', () => {
  let gateway: RunningGateway;
  let token: string;

  beforeAll(async () => {
    gateway = await startGateway({
      BOOTSTRAP_ADMIN_CLIENT_ID: ADMIN.id,
      BOOTSTRAP_ADMIN_CLIENT_SECRET: ADMIN.secret,
      MODELS_DIR,
    });
    token = await issueToken(gateway.url, ADMIN.id, ADMIN.secret);
  });
  afterAll(() => gateway.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('the committed model file is exactly what scripts/make-demo-model.ts produces', () => {
    expect(readFileSync(CREDIT_RISK_MODEL_FILE).equals(buildCreditRiskModel())).toBe(true);
  });

  it('answers the quick-start curl: one row through the production alias, computed by onnxruntime', async () => {
    const response = await post('/v1/models/credit-risk/infer', { inputs: applicant });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const body = (await response.json()) as { model: string; version: number; outputs: { probability: number } };
    expect(body.model).toBe('credit-risk');
    expect(body.version).toBe(1);
    expect(Math.abs(body.outputs.probability - creditRiskReference(applicant))).toBeLessThan(1e-6);
    // The reference is not trivially constant: the two applicants differ a lot.
    expect(creditRiskReference(applicant)).toBeLessThan(0.2);
    expect(creditRiskReference(risky)).toBeGreaterThan(0.9);
  });

  it('scores a batch row by row (instances), by version number', async () => {
    const response = await post('/v1/models/credit-risk/versions/1/infer', { instances: [applicant, risky] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { outputs: Array<{ probability: number }> };
    expect(body.outputs).toHaveLength(2);
    expect(Math.abs(body.outputs[0].probability - creditRiskReference(applicant))).toBeLessThan(1e-6);
    expect(Math.abs(body.outputs[1].probability - creditRiskReference(risky))).toBeLessThan(1e-6);
  });

  it('speaks the Open Inference Protocol v2: one tensor per feature, probabilities as a [N,1] FP32 tensor', async () => {
    const rows = [applicant, risky];
    const inputs = CREDIT_RISK_FEATURES.map((feature) => ({
      name: feature.name,
      datatype: feature.type === 'integer' ? 'INT64' : 'FP64',
      shape: [rows.length],
      data: rows.map((row) => row[feature.name as keyof typeof row]),
    }));
    const response = await post('/v2/models/credit-risk/infer', { id: 'req-42', inputs });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      model_name: string;
      model_version: string;
      id: string;
      outputs: Array<{ name: string; datatype: string; shape: number[]; data: number[] }>;
    };
    expect(body).toMatchObject({ model_name: 'credit-risk', model_version: '1', id: 'req-42' });
    expect(body.outputs).toHaveLength(1);
    expect(body.outputs[0]).toMatchObject({ name: 'probability', datatype: 'FP32', shape: [2, 1] });
    expect(Math.abs(body.outputs[0].data[0] - creditRiskReference(applicant))).toBeLessThan(1e-6);
    expect(Math.abs(body.outputs[0].data[1] - creditRiskReference(risky))).toBeLessThan(1e-6);
  });

  it('publishes OIP v2 metadata from the contract and the graph, and is ready', async () => {
    const headers = { authorization: `Bearer ${token}` };
    const metadata = await fetch(`${gateway.url}/v2/models/credit-risk`, { headers });
    expect(metadata.status).toBe(200);
    const body = (await metadata.json()) as {
      name: string;
      versions: string[];
      platform: string;
      inputs: Array<{ name: string }>;
      outputs: unknown[];
    };
    expect(body).toMatchObject({ name: 'credit-risk', versions: ['1'], platform: 'onnxruntime_onnx' });
    expect(body.inputs.map((input) => input.name)).toEqual(CREDIT_RISK_FEATURES.map((feature) => feature.name));
    expect(body.outputs).toEqual([{ name: 'probability', datatype: 'FP32', shape: [-1, 1] }]);
    expect((await fetch(`${gateway.url}/v2/models/credit-risk/ready`, { headers })).status).toBe(200);
    expect((await fetch(`${gateway.url}/v2/models/credit-risk/versions/1/ready`, { headers })).status).toBe(200);
    expect((await fetch(`${gateway.url}/v2/models/credit-risk/versions/1`, { headers })).status).toBe(200);
  });

  it('refuses out-of-contract rows before running the model: unknown feature, out of range, missing feature', async () => {
    const response = await post('/v1/models/credit-risk/infer', {
      instances: [{ ...applicant, zodiac: 'leo' }, { ...applicant, age: 7 }, { income: 1 }],
    });
    expect([400, 422]).toContain(response.status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { errors: Array<{ pointer: string }> };
    const pointers = problem.errors.map((error) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/instances/0/zodiac', '/instances/1/age']));
    expect(pointers.some((pointer) => pointer.startsWith('/instances/2'))).toBe(true);
  });

  it('is registered once: a second start on the same database keeps the one model and version', async () => {
    const second = await startGateway({
      BOOTSTRAP_ADMIN_CLIENT_ID: ADMIN.id,
      BOOTSTRAP_ADMIN_CLIENT_SECRET: ADMIN.secret,
      MODELS_DIR,
      SQLITE_PATH: join(gateway.dataDir, 'infergate.sqlite'),
    });
    try {
      const secondToken = await issueToken(second.url, ADMIN.id, ADMIN.secret);
      const versions = await fetch(`${second.url}/v1/models/credit-risk/versions`, { headers: { authorization: `Bearer ${secondToken}` } });
      expect(versions.status).toBe(200);
      const page = (await versions.json()) as { items: Array<{ version: number; stage: string }> };
      expect(page.items.map((item) => [item.version, item.stage])).toEqual([[1, 'production']]);
    } finally {
      await second.app.close();
    }
  });
});
