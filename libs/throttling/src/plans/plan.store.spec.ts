import { Logger } from '@nestjs/common';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditService } from '@infergate/audit';
import { validateOptions } from '@infergate/common';
import { ThrottlingModuleOptions } from '../throttling.options';
import { PlanSetError } from './plan-set.loader';
import { PlanStore } from './plan.store';

const plans = (burst: number) => `plans:
  free:
    rateLimits:
      application: { rate: 5, per: second, burst: ${burst} }
defaultPlan: free
`;

async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(PlanStore.name, () => {
  let dir: string;
  let audit: { record: jest.Mock };
  let sut: PlanStore;

  const store = (watchPolicies: boolean) =>
    new PlanStore(
      validateOptions(ThrottlingModuleOptions, { plansDir: dir, watchPlans: watchPolicies }, 'throttling'),
      audit as unknown as AuditService,
    );

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plan-store-'));
    audit = { record: jest.fn().mockResolvedValue('audit-id') };
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    sut?.onApplicationShutdown();
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start on an invalid set, one line per problem', async () => {
    await writeFile(join(dir, 'plans.yaml'), plans(10).replace('defaultPlan: free', 'defaultPlan: gold'));
    sut = store(false);
    const error = await sut.onModuleInit().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlanSetError);
    expect((error as PlanSetError).problems).toEqual([`${join(dir, 'plans.yaml')}:5: at /defaultPlan: unknown plan "gold"`]);
  });

  it('reloads a valid change (audited) and keeps the old set on an invalid one (audited)', async () => {
    await writeFile(join(dir, 'plans.yaml'), plans(10));
    sut = store(false);
    await sut.onModuleInit();
    const first = sut.current().version;
    const seen: string[] = [];
    sut.onChange((set) => seen.push(set.version));

    await writeFile(join(dir, 'plans.yaml'), plans(20));
    const reloaded = await sut.reload('signal');
    expect(reloaded).toMatchObject({ status: 'reloaded', previousVersion: first });
    expect(sut.current().plans.free.rateLimits.application?.burst).toBe(20);
    expect(seen).toEqual([sut.current().version]);
    expect(audit.record).toHaveBeenLastCalledWith(expect.objectContaining({ action: 'throttling.plans.reloaded', outcome: 'success' }));

    await writeFile(join(dir, 'plans.yaml'), plans(-1));
    const refused = await sut.reload('signal');
    expect(refused.status).toBe('refused');
    expect(sut.current().plans.free.rateLimits.application?.burst).toBe(20);
    expect(audit.record).toHaveBeenLastCalledWith(
      expect.objectContaining({ action: 'throttling.plans.reload_refused', outcome: 'failure' }),
    );
    expect(await sut.reload()).toMatchObject({ status: 'refused' });
  });

  it('reloads on SIGHUP and on file change', async () => {
    await writeFile(join(dir, 'plans.yaml'), plans(10));
    sut = store(true);
    await sut.onModuleInit();
    await writeFile(join(dir, 'plans.yaml'), plans(30));
    await eventually(() => sut.current().plans.free.rateLimits.application?.burst === 30);
    await writeFile(join(dir, 'other.txt'), 'ignored');
    sut.onApplicationShutdown();
    await writeFile(join(dir, 'plans.yaml'), plans(40));
    process.emit('SIGHUP', 'SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sut.current().plans.free.rateLimits.application?.burst).toBe(30); // unsubscribed after shutdown
    sut = store(false);
    await sut.onModuleInit();
    await writeFile(join(dir, 'plans.yaml'), plans(50));
    process.emit('SIGHUP', 'SIGHUP');
    await eventually(() => sut.current().plans.free.rateLimits.application?.burst === 50);
  });
});
