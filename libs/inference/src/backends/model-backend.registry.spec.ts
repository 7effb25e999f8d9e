import type { DiscoveryService } from '@nestjs/core';
import { BackendNotAvailableException, UnsupportedSurfaceException } from '../surfaces/inference.errors';
import type { ModelBackend } from './model-backend';
import { ModelBackendRegistry } from './model-backend.registry';

const answer = () => Promise.resolve([]);

describe(ModelBackendRegistry.name, () => {
  let sut: ModelBackendRegistry;

  beforeEach(() => {
    sut = new ModelBackendRegistry({ getProviders: () => [] } as unknown as DiscoveryService);
    sut.onModuleInit();
  });

  it('returns the backend of a kind for the surfaces it implements', () => {
    const backend: ModelBackend = { native: answer, kserve: answer };
    sut.register('triton', backend);
    expect(sut.for('triton', 'native')).toBe(backend);
    expect(sut.for('triton', 'kserve-v2')).toBe(backend);
    expect(sut.kinds()).toEqual(['triton']);
  });

  it.each([
    [
      'native only (http-json)',
      { native: answer },
      'kserve-v2',
      'This model is not served over the Open Inference Protocol; use /v1/models/{model}/infer.',
    ],
    [
      'native only (http-json)',
      { native: answer },
      'openai',
      'This model is not served by an OpenAI-compatible backend; use /v1/models/{model}/infer or /v2/models/{model}/infer.',
    ],
    ['OpenAI only', { openai: answer }, 'native', 'This model is served by an OpenAI-compatible backend; use /openai/v1.'],
    ['OpenAI only', { openai: answer }, 'kserve-v2', 'This model is served by an OpenAI-compatible backend; use /openai/v1.'],
    [
      'OIP v2 only',
      { kserve: answer },
      'native',
      'This model is only served over the Open Inference Protocol; use /v2/models/{model}/infer.',
    ],
  ] as const)('%s backend: a surface it lacks is 400 naming the one to use (case %#)', (_name, backend, surface, detail) => {
    sut.register('kind', backend as ModelBackend);
    const error = (() => {
      try {
        sut.for('kind', surface);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UnsupportedSurfaceException);
    expect(error).toMatchObject({ status: 400, detail });
  });

  it('answers 501 for a kind no backend serves', () => {
    expect(() => sut.for('torchserve', 'native')).toThrow(BackendNotAvailableException);
  });

  it('refuses two backends for one kind', () => {
    sut.register('onnx', { native: answer });
    expect(() => sut.register('onnx', { kserve: answer })).toThrow("Two model backends are registered for the backend kind 'onnx'.");
  });
});
