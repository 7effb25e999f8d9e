import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

// The lib dependency lint as `npm run lint` runs it: the depcruise command is read from package.json's
// lint script, so this suite fails if the script stops running it, and it runs on the real tree and on
// a copy of the libraries with one violation of each rule planted.
const root = join(__dirname, '..', '..');
const lintScript: string = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
  .lint;
const depcruiseCommand = /depcruise [^&|;]+/.exec(lintScript)?.[0].trim();

interface LintRun {
  code: number | null;
  output: string;
}

// As npm does: the project's node_modules/.bin first on the PATH.
function runDependencyLint(cwd: string): Promise<LintRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(depcruiseCommand!, {
      cwd,
      shell: true,
      env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}` },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

function plant(dir: string, file: string, source: string): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), source);
}

describe('lib dependency lint (npm run lint)', () => {
  it('is part of the lint script', () => {
    expect(depcruiseCommand).toMatch(/^depcruise .*libs.* --config \.dependency-cruiser\.js$/);
  });

  it('passes on the real tree', async () => {
    const run = await runDependencyLint(root);
    expect(run.output).toContain('no dependency violations found');
    expect(run.code).toBe(0);
  });

  describe('on a copy with planted violations', () => {
    let dir: string;
    let run: LintRun;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'infergate-lint-'));
      for (const entry of ['libs', 'apps', 'examples', 'test/support', 'tsconfig.json', '.dependency-cruiser.js']) {
        cpSync(join(root, entry), join(dir, entry), { recursive: true });
      }
      symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'), 'dir');

      // common is the lowest lib but one: importing identity closes a circle (identity imports common).
      plant(
        dir,
        'libs/common/src/planted-cycle.ts',
        "import { IdentityModule } from '@infergate/identity';\nexport const planted = IdentityModule;\n",
      );
      plant(dir, 'libs/throttling/src/planted-app-import.ts', "import '../../../apps/gateway/src/app.module';\n");
      plant(dir, 'libs/identity/src/planted-internal.ts', 'export const internal = 1;\n');
      plant(
        dir,
        'libs/audit/src/planted-reach.ts',
        "import { internal } from '../../identity/src/planted-internal';\nexport const reach = internal;\n",
      );
      plant(dir, 'libs/health/src/planted-index-path.ts', "import '../../common/src';\n");
      plant(dir, 'libs/validation/src/planted-deep-alias.ts', "import '@infergate/identity/tokens';\n");
      plant(dir, 'libs/model-registry/src/planted-a.ts', "import { b } from './planted-b';\nexport const a = () => b;\n");
      plant(dir, 'libs/model-registry/src/planted-b.ts', "import { a } from './planted-a';\nexport const b = () => a;\n");
      plant(dir, 'libs/inference/src/planted.spec.ts', "import '../../../examples/secured-service/app.module';\n");

      run = await runDependencyLint(dir);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('fails the build', () => {
      expect(run.code).not.toBe(0);
    });

    it('names the cycle between libs', () => {
      expect(run.output).toMatch(/error no-lib-cycle: libs\/common\/src → \s*libs\/identity\/src →\s*libs\/common\/src/);
    });

    it('names a lib importing an app', () => {
      expect(run.output).toContain('error lib-imports-app: libs/throttling/src/planted-app-import.ts → apps/gateway/src/app.module.ts');
    });

    it("names a relative import into another lib's internals", () => {
      expect(run.output).toContain('error lib-reaches-into-lib: libs/audit/src/planted-reach.ts → libs/identity/src/planted-internal.ts');
    });

    it('names a relative import of another lib instead of its @infergate alias', () => {
      expect(run.output).toContain('error lib-index-by-path: libs/health/src/planted-index-path.ts → libs/common/src/index.ts');
    });

    it('names a deep @infergate/<name>/<path> import', () => {
      expect(run.output).toContain(
        'error lib-internals-by-deep-alias: libs/validation/src/planted-deep-alias.ts → @infergate/identity/tokens',
      );
    });

    it('names a run-time cycle between files of one lib', () => {
      expect(run.output).toMatch(
        /error no-file-cycle-in-lib: libs\/model-registry\/src\/planted-a\.ts → \s*libs\/model-registry\/src\/planted-b\.ts →\s*libs\/model-registry\/src\/planted-a\.ts/,
      );
    });

    it("names a lib's spec importing an example", () => {
      expect(run.output).toContain(
        'error lib-spec-imports-app: libs/inference/src/planted.spec.ts → examples/secured-service/app.module.ts',
      );
    });
  });
});
