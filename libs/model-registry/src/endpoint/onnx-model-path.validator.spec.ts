import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProblemException } from '@infergate/common';
import { OnnxModelPathValidator } from './onnx-model-path.validator';

describe(OnnxModelPathValidator.name, () => {
  let root: string;
  let sut: OnnxModelPathValidator;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'infergate-models-'));
    mkdirSync(join(root, 'models', 'iris'), { recursive: true });
    mkdirSync(join(root, 'models', 'dir.onnx'));
    writeFileSync(join(root, 'models', 'iris', 'model.onnx'), 'onnx');
    writeFileSync(join(root, 'models', 'notes.txt'), 'text');
    writeFileSync(join(root, 'outside.onnx'), 'secret');
    symlinkSync(join(root, 'outside.onnx'), join(root, 'models', 'escape.onnx'));
    sut = new OnnxModelPathValidator({ modelsDir: join(root, 'models'), upstreamAllowlist: [] });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const refusal = async (path: string) => {
    try {
      await sut.validate(path);
    } catch (error) {
      if (error instanceof ProblemException) return { status: error.status, ...error.errors?.[0] };
      throw error;
    }
    throw new Error(`${path} was accepted`);
  };

  it('accepts a .onnx file below the models directory, normalised', async () => {
    await expect(sut.validate('iris/model.onnx')).resolves.toBe('iris/model.onnx');
    await expect(sut.validate('./iris/model.onnx')).resolves.toBe('iris/model.onnx');
  });

  it.each([
    ['../outside.onnx', /normalised/],
    ['iris/../../outside.onnx', /normalised/],
    ['iris/./model.onnx', /normalised/],
    ['iris//model.onnx', /normalised/],
    [join('/', 'etc', 'model.onnx'), /relative/],
    ['iris\\model.onnx', /forward slashes/],
    ['iris/model.onnx\0.txt', /forward slashes/],
    ['notes.txt', /\.onnx/],
    ['missing.onnx', /No such model file/],
    ['escape.onnx', /inside the models directory/],
    ['dir.onnx', /a file/],
  ])('refuses %j', async (path, reason) => {
    const problem = await refusal(path);
    expect(problem).toMatchObject({ status: 422, pointer: '/endpoint/modelPath' });
    expect(problem.detail).toMatch(reason);
  });
});
