import { parseInputContract, parsePiiRule } from './contract-document';

/** The one violation a contract has, as [pointer, detail]. */
function violation(raw: unknown): [string, string][] {
  const parsed = parseInputContract(raw, '/inputContract');
  if (parsed.ok) return [];
  return parsed.errors.map((error) => [error.pointer, error.detail]);
}

const feature = (extra: object) => ({ features: [{ name: 'x', type: 'number', ...extra }] });

describe('InputContractDto (parseInputContract)', () => {
  it('applies the defaults: no features, 1000 rows per batch, features required', () => {
    const parsed = parseInputContract({ features: [{ name: 'a', type: 'string' }] });
    expect(parsed.ok && { maxBatch: parsed.value.maxBatch, required: parsed.value.features[0].required }).toEqual({
      maxBatch: 1000,
      required: true,
    });
    const empty = parseInputContract(undefined);
    expect(empty.ok && empty.value.features).toEqual([]);
  });

  it.each([
    [
      'an enum without values',
      { features: [{ name: 'x', type: 'enum' }] },
      '/inputContract/features/0/values',
      'an enum feature lists its values',
    ],
    ['values on a number', feature({ values: [1] }), '/inputContract/features/0/values', 'only enum features have values'],
    [
      'a tensor without a shape',
      { features: [{ name: 't', type: 'tensor', datatype: 'FP32' }] },
      '/inputContract/features/0/shape',
      'a tensor feature has a datatype and a shape',
    ],
    [
      'a tensor without a datatype',
      { features: [{ name: 't', type: 'tensor', shape: [1] }] },
      '/inputContract/features/0/shape',
      'a tensor feature has a datatype and a shape',
    ],
    [
      'a shape on a number',
      feature({ shape: [1] }),
      '/inputContract/features/0/datatype',
      'datatype, shape and maxElements are for tensor features',
    ],
    [
      'a datatype on a number',
      feature({ datatype: 'FP32' }),
      '/inputContract/features/0/datatype',
      'datatype, shape and maxElements are for tensor features',
    ],
    ['minimum above maximum', feature({ minimum: 2, maximum: 1 }), '/inputContract/features/0/minimum', 'minimum is greater than maximum'],
    [
      'a pattern on a number',
      feature({ pattern: 'a' }),
      '/inputContract/features/0/maxLength',
      'maxLength and pattern are for string features and BYTES tensors',
    ],
    [
      'an invalid pattern',
      { features: [{ name: 's', type: 'string', pattern: '(' }] },
      '/inputContract/features/0/pattern',
      'pattern is not a valid regular expression',
    ],
    ['a reserved name', { features: [{ name: 'constructor', type: 'number' }] }, '/inputContract/features/0/name', 'this name is reserved'],
    [
      'a repeated name',
      {
        features: [
          { name: 'a', type: 'number' },
          { name: 'b', type: 'number' },
          { name: 'a', type: 'string' },
        ],
      },
      '/inputContract/features/2/name',
      'feature names are unique',
    ],
  ])('refuses %s at its own pointer', (_case, raw, pointer, detail) => {
    expect(violation(raw)).toEqual([[pointer, detail]]);
  });

  it('refuses numeric strings, unknown members at any depth and non-objects in the features array', () => {
    expect(violation({ maxBatch: '10' })).toEqual([['/inputContract/maxBatch', 'must be an integer']]);
    expect(violation(feature({ minimum: '1' }))).toEqual([['/inputContract/features/0/minimum', 'must be a finite number']]);
    expect(violation({ features: [{ name: 'x', type: 'number', unknown: 1 }] })).toEqual([
      ['/inputContract/features/0/unknown', 'This field is not allowed.'],
    ]);
    expect(violation({ openai: { maxTokens: 5, extra: true } })).toEqual([['/inputContract/openai/extra', 'This field is not allowed.']]);
    expect(violation({ features: ['x'] }).map(([pointer]) => pointer)).toEqual(['/inputContract/features/0']);
  });

  it('accepts a complete contract and keeps what it says', () => {
    const raw = {
      features: [
        { name: 'age', type: 'integer', minimum: 0, maximum: 150 },
        { name: 'plan', type: 'enum', values: ['a', 1] },
        { name: 'img', type: 'tensor', datatype: 'UINT8', shape: [-1, 2], maxElements: 100 },
        { name: 'note', type: 'string', maxLength: 10, pattern: '^[a-z]*$', required: false },
      ],
      maxBatch: 5,
      jsonSchema: { type: 'object', required: ['age'] },
      openai: { maxTokens: 10 },
    };
    const parsed = parseInputContract(raw);
    expect(parsed.ok).toBe(true);
    expect(JSON.parse(JSON.stringify(parsed.ok && parsed.value))).toEqual({
      ...raw,
      features: raw.features.map((f) => ({ required: true, ...f })),
    });
  });
});

describe('PiiRuleDto (parsePiiRule)', () => {
  it('applies the defaults and refuses unknown detectors and actions at their pointers', () => {
    const parsed = parsePiiRule({ input: { email: 'reject' } });
    expect(JSON.parse(JSON.stringify(parsed.ok && parsed.value))).toEqual({
      input: { email: 'reject' },
      output: {},
      canaries: [],
      canaryAction: 'block',
    });
    const bad = parsePiiRule({ input: { shoeSize: 'reject', email: 'block' }, canaries: ['abc'], canaryAction: 'allow' }, '/piiRule');
    expect(bad.ok ? [] : bad.errors.map((error) => error.pointer).sort()).toEqual([
      '/piiRule/canaries',
      '/piiRule/canaryAction',
      '/piiRule/input/email',
      '/piiRule/input/shoeSize',
    ]);
  });
});
