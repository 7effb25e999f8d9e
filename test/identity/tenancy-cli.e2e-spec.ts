import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliField, runCli } from '../support/cli';

describe('tenancy CLI (e2e)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const cli = (...args: string[]) => runCli(env, ...args);
  const field = cliField;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'infergate-cli-'));
    env = { ...process.env, SQLITE_PATH: join(dir, 'db.sqlite'), MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to work on an unmigrated database with one line and a non-zero exit', async () => {
    const result = await cli('orgs', 'list');
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^infergate: .*migrate run/)]);
  }, 30_000);

  it('creates an organization and an application, printing the client secret once and never listing it', async () => {
    expect((await cli('migrate', 'run')).code).toBe(0);
    const org = await cli('orgs', 'create', 'cli-org', '--max-clearance', 'internal', '--cidrs', '10.0.0.0/8');
    expect(org.code).toBe(0);
    const orgId = field(org.stdout, 'id')!;
    expect(orgId).toMatch(/^[0-9a-f-]{36}$/);

    const app = await cli('apps', 'create', orgId, 'cli-app', '--scopes', 'infer,admin', '--clearance', 'internal');
    expect(app.code).toBe(0);
    const secret = field(app.stdout, 'clientSecret')!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const appId = field(app.stdout, 'id')!;

    const list = await cli('apps', 'list', orgId);
    expect(list.stdout).toContain(appId);
    expect(list.stdout).not.toContain(secret);

    const key = await cli('api-keys', 'create', orgId, appId, 'ci', '--scopes', 'infer');
    expect(field(key.stdout, 'key')).toMatch(/^ig_[0-9a-f]{32}_/);

    const duplicate = await cli('orgs', 'create', 'cli-org');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toBe('infergate: An organization named "cli-org" already exists.\n');
    const invalid = await cli('apps', 'create', orgId, 'too-clear', '--clearance', 'restricted');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr.trim().split('\n')).toHaveLength(1);
    expect(invalid.stderr).toContain('/clearance');
  }, 60_000);
});
