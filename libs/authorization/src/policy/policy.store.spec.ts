import { Logger } from '@nestjs/common';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditService } from '@infergate/audit';
import type { AuthorizationOptions } from '../authorization.options';
import { PolicySetError } from './policy-set.loader';
import { PolicyStore } from './policy.store';
import type { PolicySet } from './policy.types';

function rules(actions: string): string {
  return `rules:
  - id: org-admin-projects
    effect: allow
    roles: [org-admin]
    actions: ${actions}
    subject: Project
    conditions:
      orgId: "\${principal.orgId}"
    scopes: [admin]
`;
}

const INVALID = 'rules:\n  - id: broken\n    effect: allow\n    roles: [root]\n    actions: [read]\n    subject: Project\n';

/** Resolves when `check` holds, polling; fails the test after `ms`. */
async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(PolicyStore.name, () => {
  let dir: string;
  let audit: { record: jest.Mock };
  let sut: PolicyStore;
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  function store(watchPolicies: boolean): PolicyStore {
    const config: AuthorizationOptions = { policyDir: dir, watchPolicies };
    return new PolicyStore(config, audit as unknown as AuditService);
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-store-'));
    audit = { record: jest.fn().mockResolvedValue('audit-id') };
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await writeFile(join(dir, '10-tenancy.yaml'), rules('[read]'));
  });

  afterEach(async () => {
    sut?.onApplicationShutdown();
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  describe('at start', () => {
    it('serves the valid set it loaded', async () => {
      sut = store(false);
      await sut.onModuleInit();
      expect(sut.current().rules.map((rule) => rule.id)).toEqual(['org-admin-projects']);
      expect(sut.current().version).toMatch(/^[0-9a-f]{64}$/);
    });

    it('refuses to start on an invalid set, one line per problem', async () => {
      await writeFile(join(dir, '20-broken.yaml'), INVALID);
      sut = store(false);
      const failure = sut.onModuleInit();
      await expect(failure).rejects.toBeInstanceOf(PolicySetError);
      await expect(failure).rejects.toMatchObject({
        problems: [expect.stringMatching(/20-broken\.yaml:4: rule "broken" \(#0\) at \/rules\/0\/roles\/0: unknown role "root"/)],
      });
      expect(() => sut.current()).toThrow('not loaded');
      expect(error).toHaveBeenCalledWith(
        expect.objectContaining({ event: 'authz.policy.invalid' }),
        expect.stringContaining('unknown role "root"'),
      );
    });

    it('refuses to start without a policy directory', async () => {
      sut = new PolicyStore({ policyDir: join(dir, 'missing'), watchPolicies: false }, audit as never);
      await expect(sut.onModuleInit()).rejects.toMatchObject({
        problems: [expect.stringContaining('cannot read the policy directory (ENOENT)')],
      });
    });
  });

  describe('reload', () => {
    beforeEach(async () => {
      sut = store(false);
      await sut.onModuleInit();
    });

    it('swaps in a valid change, tells the listeners after the swap and audits old and new version', async () => {
      const before = sut.current();
      const heard: { set: PolicySet; current: string }[] = [];
      sut.onChange((set) => heard.push({ set, current: sut.current().version }));
      await writeFile(join(dir, '10-tenancy.yaml'), rules('[read, update]'));

      const outcome = await sut.reload();

      const after = sut.current();
      expect(outcome).toEqual({ status: 'reloaded', previousVersion: before.version, version: after.version });
      expect(after.version).not.toBe(before.version);
      expect(after.rules[0].actions).toEqual(['read', 'update']);
      expect(heard).toEqual([{ set: after, current: after.version }]);
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          action: 'authz.policy.reloaded',
          outcome: 'success',
          details: expect.objectContaining({ previousVersion: before.version, version: after.version }),
        }),
      );
    });

    it('never replaces the valid set with an invalid one: the old version keeps serving, the refusal is audited', async () => {
      const before = sut.current();
      const listener = jest.fn();
      sut.onChange(listener);
      await writeFile(join(dir, '20-broken.yaml'), INVALID);

      const outcome = await sut.reload();

      expect(outcome).toMatchObject({
        status: 'refused',
        version: before.version,
        problems: [expect.stringContaining('unknown role "root"')],
      });
      expect(sut.current()).toBe(before);
      expect(listener).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({
          event: 'authz.policy.reload_refused',
          keptVersion: before.version,
          problems: outcome.status === 'refused' ? outcome.problems : [],
        }),
        expect.any(String),
      );
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          action: 'authz.policy.reload_refused',
          outcome: 'failure',
          details: expect.objectContaining({ problems: 1, keptVersion: before.version }),
        }),
      );
    });

    it('keeps the set, and says nothing, when the content did not change', async () => {
      const before = sut.current();
      const listener = jest.fn();
      sut.onChange(listener);
      await writeFile(join(dir, '10-tenancy.yaml'), `# only a comment changed\n${rules('[read]')}`);
      await expect(sut.reload()).resolves.toEqual({ status: 'unchanged', version: before.version });
      expect(sut.current()).toBe(before);
      expect(listener).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('keeps notifying the other listeners when one throws', async () => {
      const second = jest.fn();
      sut.onChange(() => {
        throw new Error('listener bug');
      });
      sut.onChange(second);
      await writeFile(join(dir, '10-tenancy.yaml'), rules('[read, delete]'));
      await sut.reload();
      expect(second).toHaveBeenCalledWith(sut.current());
      expect(error).toHaveBeenCalledWith(expect.objectContaining({ event: 'authz.policy.listener_failed' }), expect.any(String));
    });

    it('reloads on SIGHUP, and stops listening for it at shutdown', async () => {
      const listenersBefore = process.listenerCount('SIGHUP');
      const before = sut.current().version;
      await writeFile(join(dir, '10-tenancy.yaml'), rules('[read, create]'));

      process.emit('SIGHUP', 'SIGHUP');
      await eventually(() => sut.current().version !== before);
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: 'authz.policy.reloaded', details: expect.objectContaining({ trigger: 'signal' }) }),
      );

      sut.onApplicationShutdown();
      expect(process.listenerCount('SIGHUP')).toBe(listenersBefore - 1);
    });
  });

  describe('watching the directory', () => {
    beforeEach(async () => {
      sut = store(true);
      await sut.onModuleInit();
    });

    it('takes a valid change without restart', async () => {
      const before = sut.current().version;
      const heard: PolicySet[] = [];
      sut.onChange((set) => heard.push(set));
      await writeFile(join(dir, '10-tenancy.yaml'), rules('[read, update]'));
      await eventually(() => heard.length > 0);
      expect(sut.current().version).not.toBe(before);
      expect(heard[heard.length - 1]).toBe(sut.current());
      expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ details: expect.objectContaining({ trigger: 'file-change' }) }));
    });

    it('refuses an invalid change and keeps serving the old set', async () => {
      const before = sut.current();
      await writeFile(join(dir, '10-tenancy.yaml'), 'rules:\n  - id: oops\n    effect: allow\n    roles: [org-admin\n');
      await eventually(() => audit.record.mock.calls.length > 0);
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({
          action: 'authz.policy.reload_refused',
          details: expect.objectContaining({ keptVersion: before.version }),
        }),
      );
      expect(sut.current()).toBe(before);
    });

    it('ignores files that are not policies', async () => {
      await writeFile(join(dir, 'notes.txt'), 'not yaml: [');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(audit.record).not.toHaveBeenCalled();
    });
  });

  it('does not watch when watchPolicies is off', async () => {
    sut = store(false);
    await sut.onModuleInit();
    const before = sut.current();
    await writeFile(join(dir, '10-tenancy.yaml'), rules('[read, update]'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sut.current()).toBe(before);
  });
});
