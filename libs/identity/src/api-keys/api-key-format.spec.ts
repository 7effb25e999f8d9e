import fc from 'fast-check';
import { apiKeyId, generateApiKey } from './api-key-format';

describe('API key format', () => {
  it('generates ig_<32 hex>_<43 base64url> keys whose id parses back, also when the secret holds underscores', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i += 1) {
      const { id, key } = generateApiKey();
      expect(key).toMatch(/^ig_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
      expect(apiKeyId(key)).toBe(id);
      seen.add(id);
    }
    expect(seen.size).toBe(500);
  });

  it.each([
    '',
    'ig_',
    'ig__',
    'ig_0123456789abcdef0123456789abcdef',
    'ig_0123456789abcdef0123456789abcdef_',
    'ig_0123456789ABCDEF0123456789abcdef_' + 'a'.repeat(43),
    'ig_0123456789abcdef0123456789abcde_' + 'a'.repeat(44),
    'ig_0123456789abcdef0123456789abcdef_' + 'a'.repeat(42),
    'ig_0123456789abcdef0123456789abcdef_' + 'a'.repeat(44),
    'ig_0123456789abcdef0123456789abcdef_' + 'a'.repeat(42) + '=',
    'IG_0123456789abcdef0123456789abcdef_' + 'a'.repeat(43),
    'ig_0123456789abcdef0123456789abcdef_' + 'a'.repeat(42) + '\n',
    "ig_' OR 1=1 --_" + 'a'.repeat(43),
    'ig_' + 'a'.repeat(10_000),
  ])('refuses the malformed key %#', (key) => expect(apiKeyId(key)).toBeUndefined());

  it('never throws and never accepts a string that is not exactly the shape', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        const id = apiKeyId(text);
        if (id !== undefined) expect(text).toMatch(/^ig_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
      }),
    );
  });
});
