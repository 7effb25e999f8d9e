import { RequestValidationException } from '@infergate/common';
import { callCost } from './inference-cost';
import { openAiModelReference, versionReference } from './version-reference';

describe('version references', () => {
  it('reads a version number or an alias from the path, and nothing when absent', () => {
    expect(versionReference(undefined)).toBeUndefined();
    expect(versionReference('3')).toEqual({ version: 3 });
    expect(versionReference('champion')).toEqual({ alias: 'champion' });
  });

  it.each(['0', '-1', '1.5', '../x', 'a b', '%00', 'x'.repeat(100)])('refuses %j', (segment) => {
    expect(() => versionReference(segment)).toThrow(RequestValidationException);
  });

  it('reads the OpenAI model field as name, name@version or name@alias', () => {
    expect(openAiModelReference('assistant')).toEqual({ model: 'assistant', reference: undefined });
    expect(openAiModelReference('assistant@2')).toEqual({ model: 'assistant', reference: { version: 2 } });
    expect(openAiModelReference('assistant@canary')).toEqual({ model: 'assistant', reference: { alias: 'canary' } });
    expect(() => openAiModelReference(42)).toThrow(RequestValidationException);
    expect(() => openAiModelReference('')).toThrow(RequestValidationException);
  });
});

describe('callCost', () => {
  it('charges units per request, or per element (at least one element)', () => {
    expect(callCost({ units: 3, per: 'request' }, 50)).toBe(3);
    expect(callCost({ units: 2, per: 'element' }, 50)).toBe(100);
    expect(callCost({ units: 2, per: 'element' }, 0)).toBe(2);
  });
});
