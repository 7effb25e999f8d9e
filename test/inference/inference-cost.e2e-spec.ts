import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOTSTRAP_APPLICATION_ID } from '@infergate/identity';
import { limitKeys, RATE_LIMIT_STORE, type RateLimitStore } from '@infergate/throttling';
import { issueToken } from '../authorization/support/principals';
import { RunningGateway, startGateway } from '../support/in-process-gateway';

/**
 * Per-element quota cost: the demo model costs 1 unit per row. The rate-limit guard charges 1 unit
 * before the handler; once the contract check has counted the rows, the rest is charged atomically
 * (all or nothing) against the same quotas, before the model runs.
 */
const PLANS = `
defaultPlan: metered
plans:
  metered:
    rateLimits:
      application: { rate: 10000, per: second, burst: 100000 }
    quotas:
      application: { day: 10 }
`;
const ADMIN = { id: 'cost-admin', secret: 'cost-admin-secret-for-tests-only' };
const row = { income: 40000, debt_ratio: 0.4, age: 35, credit_lines: 3, late_payments: 0, loan_amount: 10000 };

describe('inference: quota cost per element', () => {
  let gateway: RunningGateway;
  let plansDir: string;
  let token: string;

  beforeAll(async () => {
    plansDir = mkdtempSync(join(tmpdir(), 'infergate-plans-'));
    writeFileSync(join(plansDir, 'plans.yaml'), PLANS);
    gateway = await startGateway({
      PLANS_DIR: plansDir,
      MODELS_DIR: join(__dirname, '..', '..', 'models'),
      BOOTSTRAP_ADMIN_CLIENT_ID: ADMIN.id,
      BOOTSTRAP_ADMIN_CLIENT_SECRET: ADMIN.secret,
    });
    token = await issueToken(gateway.url, ADMIN.id, ADMIN.secret);
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(plansDir, { recursive: true, force: true });
  });

  const infer = (rows: number) =>
    fetch(`${gateway.url}/v1/models/credit-risk/infer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ instances: Array.from({ length: rows }, () => row) }),
    });
  // Read from the store itself: asking GET /v1/usage would spend a unit too.
  const used = async (): Promise<number> => {
    const store = gateway.app.get<RateLimitStore>(RATE_LIMIT_STORE);
    const [units] = await store.quotaUsage([{ key: limitKeys.quota('application', BOOTSTRAP_APPLICATION_ID, 'day'), period: 'day' }]);
    return units;
  };

  it('charges one unit per row, refuses a batch the quota cannot cover without charging it, and keeps the rest usable', async () => {
    expect((await infer(1)).status).toBe(200);
    expect(await used()).toBe(1);
    expect((await infer(4)).status).toBe(200);
    expect(await used()).toBe(5);

    const refused = await infer(6);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('quota-exhausted');
    // Only the guard's unit for the refused call was spent.
    expect(await used()).toBe(6);

    expect((await infer(4)).status).toBe(200);
    expect(await used()).toBe(10);
    expect((await infer(1)).status).toBe(429);
  });
});
