import { TestEnvironment } from 'jest-environment-node';

/**
 * Jest runs each test file in its own VM context with its own typed-array constructors, while
 * onnxruntime-node's native binding creates output data with the main context's ones; the library's
 * `data instanceof Float32Array` check then fails inside Jest only. Every Jest project (jest.config.js,
 * jest.integration.config.js) runs in this environment, which shares the host's typed-array constructors with the test context,
 * since any suite may reach a model served in-process.
 */
const TYPED_ARRAYS = [
  'ArrayBuffer',
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

export default class OnnxTestEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    for (const name of TYPED_ARRAYS) (this.global as unknown as Record<string, unknown>)[name] = globalThis[name];
  }
}
