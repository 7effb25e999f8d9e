import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelsDirWithOneFile } from './support';
import { cliField, runCli } from '../support/cli';

describe('models CLI (e2e)', () => {
  let dir: string;
  let modelsDir: string;
  let env: NodeJS.ProcessEnv;

  const cli = (...args: string[]) => runCli(env, ...args);
  const field = cliField;
  const oneLineFailure = (result: { code: number; stderr: string }) => {
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    return result.stderr.trim();
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'infergate-models-cli-'));
    modelsDir = modelsDirWithOneFile();
    env = {
      ...process.env,
      SQLITE_PATH: join(dir, 'db.sqlite'),
      MASTER_KEY: randomBytes(32).toString('base64'),
      MODELS_DIR: modelsDir,
      LOG_LEVEL: 'silent',
    };
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('registers, versions, promotes and aliases a model, with one-line refusals', async () => {
    expect((await cli('migrate', 'run')).code).toBe(0);
    const orgId = field((await cli('orgs', 'create', 'cli-models')).stdout, 'id')!;

    const created = await cli('models', 'create', orgId, 'churn', '--tags', 'tabular,xgboost', '--sensitivity', 'public');
    expect(created.code).toBe(0);
    const modelId = field(created.stdout, 'id')!;
    expect(field(created.stdout, 'tags')).toBe('tabular,xgboost');
    expect(oneLineFailure(await cli('models', 'create', orgId, 'churn'))).toBe(
      'infergate: A model named "churn" already exists in this organization.',
    );

    const onnx = await cli('models', 'add-version', 'churn', '--org', orgId, '--backend', 'onnx', '--model-path', 'demo/iris.onnx');
    expect(onnx.code).toBe(0);
    expect(field(onnx.stdout, 'version')).toBe('1');
    expect(field(onnx.stdout, 'endpoint')).toBe('demo/iris.onnx');

    const endpointFile = join(dir, 'endpoint.json');
    writeFileSync(
      endpointFile,
      JSON.stringify({ kind: 'http', url: 'http://93.184.216.34/v2', headers: { authorization: 'Bearer hidden-upstream-key' } }),
    );
    const http = await cli(
      'models',
      'add-version',
      modelId,
      '--backend',
      'kserve-v2',
      '--endpoint-file',
      endpointFile,
      '--region',
      'eu-west-1',
    );
    expect(http.code).toBe(0);
    expect(http.stdout).not.toContain('hidden-upstream-key');

    const privateUrl = oneLineFailure(await cli('models', 'add-version', modelId, '--backend', 'http-json', '--url', 'http://10.0.0.1/'));
    expect(privateUrl).toContain('/endpoint/url: The host is a private network address and is not allowlisted.');
    expect(oneLineFailure(await cli('models', 'add-version', 'churn', '--backend', 'onnx', '--model-path', 'demo/iris.onnx'))).toBe(
      'infergate: not found (check the ids given)',
    );

    expect(oneLineFailure(await cli('models', 'transition', modelId, '1', 'production', '--reason', 'now'))).toBe(
      'infergate: A version in stage "draft" cannot move to "production"; allowed: staging, archived.',
    );
    expect((await cli('models', 'transition', modelId, '1', 'staging')).stdout).toBe(`version 1 of model ${modelId} is now staging\n`);
    expect(oneLineFailure(await cli('models', 'transition', modelId, '1', 'production'))).toContain('/reason: A reason is required');
    expect((await cli('models', 'transition', modelId, '1', 'production', '--reason', 'validated offline')).code).toBe(0);

    const alias = await cli('models', 'alias', 'churn', 'production', '1', '--org', orgId, '--reason', 'first release');
    expect(alias.stdout).toBe(`alias production of model ${modelId} now points at version 1 (protected)\n`);

    const shown = await cli('models', 'show', modelId);
    expect(field(shown.stdout, 'name')).toBe('churn');
    expect(field(shown.stdout, 'aliases')).toBe('production=1 (protected)');

    const versions = await cli('models', 'versions', modelId);
    expect(versions.stdout.trim().split('\n')).toEqual([
      'version\tstage\tstatus\tbackend\tendpoint\tregion',
      '2\tdraft\tactive\tkserve-v2\thttp://93.184.216.34/v2\teu-west-1',
      '1\tproduction\tactive\tonnx\tdemo/iris.onnx\t-',
    ]);
    const listed = await cli('models', 'list', '--stage', 'production');
    expect(listed.stdout).toContain(modelId);
  }, 300_000);
});
