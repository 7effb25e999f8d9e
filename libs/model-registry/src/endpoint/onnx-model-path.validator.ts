import { Inject, Injectable } from '@nestjs/common';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { EndpointRejectedException } from '../model-registry.errors';
import { REGISTRY_OPTIONS, type RegistryOptions } from '../model-registry.options';

const POINTER = '/endpoint/modelPath';

/**
 * An `onnx` version names a model file below MODELS_DIR: relative, normalised, ending in `.onnx`,
 * existing, and still inside the directory once symbolic links are followed.
 */
@Injectable()
export class OnnxModelPathValidator {
  constructor(@Inject(REGISTRY_OPTIONS) private readonly options: RegistryOptions) {}

  /** The normalised relative path, or a 422 problem at /endpoint/modelPath. */
  async validate(modelPath: string): Promise<string> {
    if (modelPath.includes('\0') || modelPath.includes('\\')) throw reject('Use forward slashes and no control characters.');
    if (isAbsolute(modelPath) || posix.isAbsolute(modelPath)) throw reject(`Must be relative to the models directory.`);
    const normalised = posix.normalize(modelPath);
    if (normalised !== modelPath.replace(/^\.\//, '') || normalised.split('/').includes('..') || normalised === '.') {
      throw reject('Must be a normalised path inside the models directory (no "." or ".." segments).');
    }
    if (!normalised.toLowerCase().endsWith('.onnx')) throw reject('Must name a .onnx file.');
    let root: string;
    let file: string;
    try {
      root = await realpath(resolve(this.options.modelsDir));
      file = await realpath(resolve(root, normalised));
    } catch {
      throw reject('No such model file in the models directory.');
    }
    const inside = relative(root, file);
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
      throw reject('Must stay inside the models directory.');
    }
    if (!(await stat(file)).isFile()) throw reject('Must name a file.');
    return normalised;
  }
}

function reject(detail: string): EndpointRejectedException {
  return new EndpointRejectedException(POINTER, detail);
}
