import { RequestValidationException } from '@infergate/common';
import { ContractCompileError, ContractCompiler } from './contract-compiler';
import { ContractCheck, ContractViolationException } from './contract-violation.exception';
import { MAX_REPORTED_VIOLATIONS } from './violation-messages';

const credit = {
  features: [
    { name: 'age', type: 'integer', minimum: 18, maximum: 120 },
    { name: 'income', type: 'number', minimum: 0, required: false },
    { name: 'employed', type: 'boolean' },
    { name: 'postcode', type: 'string', maxLength: 8, pattern: '^[A-Z0-9 ]+$' },
    { name: 'segment', type: 'enum', values: ['retail', 'business', 3] },
  ],
  maxBatch: 3,
};
const validRow = { age: 30, income: 1234.5, employed: true, postcode: 'SW1A 1AA', segment: 'retail' };

function failed(check: ContractCheck) {
  if (check.ok) throw new Error('expected the check to fail');
  return check;
}

function pointers(check: ContractCheck): string[] {
  return failed(check).errors.map((e) => e.pointer);
}

describe('ContractCompiler', () => {
  const compiler = new ContractCompiler();

  describe('validateNative', () => {
    const contract = compiler.compile('credit@1', credit);

    it('accepts one row and a batch; elements are rows', () => {
      expect(contract.validateNative({ inputs: validRow })).toEqual({ ok: true, elements: 1 });
      expect(contract.validateNative({ instances: [validRow, { ...validRow, income: undefined }] })).toEqual({ ok: true, elements: 2 });
    });

    it.each([
      ['an unknown feature', { ...validRow, favouriteColour: 'red' }, '/inputs/favouriteColour', 'is not a feature of this model'],
      ['a number below the minimum', { ...validRow, age: 17 }, '/inputs/age', 'must be at least 18'],
      ['a number above the maximum', { ...validRow, age: 121 }, '/inputs/age', 'must be at most 120'],
      ['a fraction for an integer', { ...validRow, age: 30.5 }, '/inputs/age', 'must be an integer'],
      ['a string for a number', { ...validRow, income: '1000' }, '/inputs/income', 'must be a number'],
      ['a string for a boolean', { ...validRow, employed: 'yes' }, '/inputs/employed', 'must be a boolean'],
      ['an over-long string', { ...validRow, postcode: 'A'.repeat(9) }, '/inputs/postcode', 'must be at most 8 characters'],
      ['a string off the pattern', { ...validRow, postcode: 'sw1a' }, '/inputs/postcode', 'does not match the format this model requires'],
      ['a value outside the enum', { ...validRow, segment: 'gold' }, '/inputs/segment', 'must be one of "retail", "business", 3'],
      ['a missing required feature', { ...validRow, age: undefined }, '/inputs/age', 'is required'],
      ['null for a number', { ...validRow, income: null }, '/inputs/income', 'must be a number'],
    ])('refuses %s with its pointer', (_name, row, pointer, detail) => {
      const check = failed(contract.validateNative({ inputs: JSON.parse(JSON.stringify(row)) }));
      expect(check.malformed).toBe(false);
      expect(check.errors).toEqual([{ pointer, detail }]);
    });

    it('lists every violation, in every row of a batch', () => {
      const check = contract.validateNative({ instances: [validRow, { ...validRow, age: 5, x: 1 }, { ...validRow, employed: 0 }] });
      expect(pointers(check).sort()).toEqual(['/instances/1/age', '/instances/1/x', '/instances/2/employed']);
    });

    it('escapes pointers (RFC 6901)', () => {
      expect(pointers(contract.validateNative({ inputs: { ...validRow, 'a/b~c': 1 } }))).toEqual(['/inputs/a~1b~0c']);
    });

    it('never echoes a 10 KB value', () => {
      const huge = 'Z'.repeat(10_240);
      const check = failed(contract.validateNative({ inputs: { ...validRow, postcode: huge, age: huge, [huge.slice(0, 100)]: huge } }));
      const text = JSON.stringify(check.errors);
      expect(text).not.toContain('ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ'); // > 40 chars of it
      expect(check.errors.length).toBeGreaterThanOrEqual(3);
    });

    it('never names the validator’s keywords', () => {
      const check = failed(contract.validateNative({ inputs: { ...validRow, x: 1, age: 'x', postcode: 'zz' } }));
      for (const { detail } of check.errors) expect(detail).not.toMatch(/must NOT|additionalProperties|should|keyword|schema path/);
    });

    it('refuses more rows than maxBatch, and an empty batch', () => {
      expect(failed(contract.validateNative({ instances: [validRow, validRow, validRow, validRow] })).errors).toEqual([
        { pointer: '/instances', detail: 'must have at most 3 rows' },
      ]);
      expect(pointers(contract.validateNative({ instances: [] }))).toEqual(['/instances']);
    });

    it.each([
      ['a string body', 'hello', ''],
      ['an array body', [validRow], ''],
      ['inputs as an array', { inputs: [validRow] }, '/inputs'],
      ['instances as an object', { instances: validRow }, '/instances'],
      ['neither inputs nor instances', { rows: [] }, ''],
      ['both inputs and instances', { inputs: validRow, instances: [validRow] }, ''],
    ])('%s is malformed (400)', (_name, body, pointer) => {
      const check = failed(contract.validateNative(body));
      expect(check.malformed).toBe(true);
      expect(check.errors[0].pointer).toBe(pointer);
      expect(() => contract.assertNative(body)).toThrow(RequestValidationException);
    });

    it('a violation throws the 422 contract-violation problem', () => {
      const run = () => contract.assertNative({ inputs: { ...validRow, age: 1 } });
      expect(run).toThrow(ContractViolationException);
      try {
        run();
      } catch (error) {
        expect(error).toMatchObject({
          status: 422,
          type: 'urn:infergate:problem:contract-violation',
          errors: [{ pointer: '/inputs/age' }],
        });
      }
    });

    it('an unknown top-level member is refused', () => {
      expect(pointers(contract.validateNative({ inputs: validRow, extra: 1 }))).toEqual(['/extra']);
    });

    it('caps the list of violations', () => {
      const big = compiler.compile('big', { features: [{ name: 'x', type: 'integer' }], maxBatch: 1000 });
      const check = failed(big.validateNative({ instances: Array.from({ length: 500 }, () => ({ x: 'no' })) }));
      expect(check.errors).toHaveLength(MAX_REPORTED_VIOLATIONS);
      expect(check.truncated).toBe(true);
    });

    it('applies the free-form JSON Schema to each row', () => {
      const withSchema = compiler.compile('schema', {
        features: [
          { name: 'start', type: 'integer' },
          { name: 'end', type: 'integer', required: false },
        ],
        jsonSchema: {
          $id: 'https://example.com/x',
          type: 'object',
          required: ['end'],
          properties: { end: { type: 'integer', multipleOf: 5 } },
        },
      });
      expect(withSchema.validateNative({ inputs: { start: 1, end: 10 } }).ok).toBe(true);
      expect(failed(withSchema.validateNative({ instances: [{ start: 1 }, { start: 1, end: 7 }] })).errors).toEqual([
        { pointer: '/instances/0/end', detail: 'is required' },
        { pointer: '/instances/1/end', detail: 'must be a multiple of 5' },
      ]);
      // The same $id in another version does not collide.
      expect(() =>
        compiler.compile('schema-2', { features: [], jsonSchema: { $id: 'https://example.com/x', type: 'object' } }),
      ).not.toThrow();
    });
  });

  describe('tensors in native rows', () => {
    const images = compiler.compile('img', {
      features: [
        { name: 'pixels', type: 'tensor', datatype: 'UINT8', shape: [2, 3] },
        { name: 'mask', type: 'tensor', datatype: 'BOOL', shape: [-1], maxElements: 4, required: false },
        { name: 'tokens', type: 'tensor', datatype: 'INT64', shape: [-1, 2], required: false },
        { name: 'labels', type: 'tensor', datatype: 'BYTES', shape: [2], maxLength: 3, required: false },
        { name: 'scale', type: 'tensor', datatype: 'FP16', shape: [1], required: false },
        { name: 'shift', type: 'tensor', datatype: 'INT8', shape: [1], required: false },
      ],
    });
    const pixels = [
      [0, 1, 2],
      [253, 254, 255],
    ];

    it('accepts a well-shaped tensor; elements are the tensor elements (tensor-only contract)', () => {
      expect(images.validateNative({ inputs: { pixels } })).toEqual({ ok: true, elements: 6 });
      expect(images.validateNative({ inputs: { pixels, mask: [true, false], tokens: [[1, 2]] } })).toEqual({ ok: true, elements: 10 });
    });

    it.each([
      ['a wrong outer dimension', { pixels: [[0, 1, 2]] }, '/inputs/pixels', 'must have at least 2 items'],
      [
        'a wrong inner dimension',
        {
          pixels: [
            [0, 1, 2],
            [0, 1],
          ],
        },
        '/inputs/pixels/1',
        'must have at least 3 items',
      ],
      [
        'a UINT8 out of range',
        {
          pixels: [
            [0, 1, 2],
            [0, 1, 256],
          ],
        },
        '/inputs/pixels/1/2',
        'must be at most 255',
      ],
      [
        'a negative UINT8',
        {
          pixels: [
            [0, -1, 2],
            [0, 1, 2],
          ],
        },
        '/inputs/pixels/0/1',
        'must be at least 0',
      ],
      [
        'a fraction in UINT8',
        {
          pixels: [
            [0, 1.5, 2],
            [0, 1, 2],
          ],
        },
        '/inputs/pixels/0/1',
        'must be an integer',
      ],
      ['a flat array for a 2-D tensor', { pixels: [0, 1, 2, 3, 4, 5] }, '/inputs/pixels', 'must have at most 2 items'],
      ['a number for BOOL', { pixels, mask: [1] }, '/inputs/mask/0', 'must be a boolean'],
      ['more elements than maxElements', { pixels, mask: [true, true, true, true, true] }, '/inputs/mask', 'has more than 4 elements'],
      ['a ragged variable tensor', { pixels, tokens: [[1, 2], [3]] }, '/inputs/tokens/1', 'must have at least 2 items'],
      [
        'an INT64 beyond the safe range',
        { pixels, tokens: [[1, 2 ** 60]] },
        '/inputs/tokens/0/1',
        `must be at most ${Number.MAX_SAFE_INTEGER}`,
      ],
      ['an over-long BYTES element', { pixels, labels: ['abc', 'abcd'] }, '/inputs/labels/1', 'must be at most 3 characters'],
      ['an FP16 overflow', { pixels, scale: [70000] }, '/inputs/scale/0', 'must be at most 65504'],
      ['an INT8 of 128', { pixels, shift: [128] }, '/inputs/shift/0', 'must be at most 127'],
      ['an INT8 of -129', { pixels, shift: [-129] }, '/inputs/shift/0', 'must be at least -128'],
    ])('refuses %s', (_name, inputs, pointer, detail) => {
      expect(failed(images.validateNative({ inputs })).errors).toContainEqual({ pointer, detail });
    });
  });

  describe('validateKserveV2', () => {
    const contract = compiler.compile('kserve', {
      features: [
        { name: 'age', type: 'integer', minimum: 0, maximum: 150 },
        { name: 'score', type: 'number', required: false },
        { name: 'member', type: 'boolean', required: false },
        { name: 'city', type: 'string', maxLength: 5, required: false },
        { name: 'tier', type: 'enum', values: ['a', 'b'], required: false },
        { name: 'image', type: 'tensor', datatype: 'FP32', shape: [-1, 2, 2], maxElements: 8, required: false },
      ],
      maxBatch: 4,
    });
    const age = { name: 'age', shape: [2], datatype: 'INT32', data: [30, 40] };

    it('accepts scalar features in v2 form; elements are rows', () => {
      const body = {
        id: 'r1',
        inputs: [
          age,
          { name: 'score', shape: [2, 1], datatype: 'FP64', data: [0.5, 1.5] },
          { name: 'member', shape: [2], datatype: 'BOOL', data: [true, false] },
          { name: 'city', shape: [2], datatype: 'BYTES', data: ['Paris', 'Rome'] },
          { name: 'tier', shape: [2], datatype: 'BYTES', data: ['a', 'b'] },
        ],
        outputs: [{ name: 'probability' }],
      };
      expect(contract.validateKserveV2(body)).toEqual({ ok: true, elements: 2 });
    });

    it('accepts nested (row-major) data and a -1 dimension', () => {
      const image = {
        name: 'image',
        shape: [2, 2, 2],
        datatype: 'FP32',
        data: [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [5, 6],
            [7, 8],
          ],
        ],
      };
      expect(contract.validateKserveV2({ inputs: [age, image] }).ok).toBe(true);
    });

    it.each([
      [
        'an unknown input name',
        { name: 'salary', shape: [2], datatype: 'FP32', data: [1, 2] },
        '/inputs/1/name',
        'is not a feature of this model',
      ],
      [
        'a tensor with the wrong datatype',
        { name: 'image', shape: [1, 2, 2], datatype: 'FP64', data: [1, 2, 3, 4] },
        '/inputs/1/datatype',
        'must be FP32',
      ],
      [
        'a tensor with the wrong rank',
        { name: 'image', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] },
        '/inputs/1/shape',
        'must match [-1, 2, 2] (-1 is any size)',
      ],
      [
        'a tensor with a wrong fixed dimension',
        { name: 'image', shape: [1, 2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] },
        '/inputs/1/shape',
        'must match [-1, 2, 2] (-1 is any size)',
      ],
      [
        'more elements than maxElements',
        { name: 'image', shape: [3, 2, 2], datatype: 'FP32', data: new Array(12).fill(0) },
        '/inputs/1/shape',
        'describes more than 8 elements',
      ],
      [
        'data shorter than the shape',
        { name: 'image', shape: [2, 2, 2], datatype: 'FP32', data: [1, 2, 3] },
        '/inputs/1/data',
        'must hold exactly 8 elements, as the shape says',
      ],
      [
        'data longer than the shape',
        { name: 'image', shape: [1, 2, 2], datatype: 'FP32', data: [1, 2, 3, 4, 5] },
        '/inputs/1/data',
        'must hold exactly 4 elements, as the shape says',
      ],
      [
        'an FP32 element that is a string',
        { name: 'image', shape: [1, 2, 2], datatype: 'FP32', data: [1, 2, '3', 4] },
        '/inputs/1/data/2',
        'must be a number (FP32)',
      ],
      [
        'an integer feature sent as FP32',
        { name: 'score', shape: [2], datatype: 'INT32', data: [1, 2] },
        '/inputs/1/datatype',
        'does not fit a number feature',
      ],
      [
        'a boolean feature sent as INT8',
        { name: 'member', shape: [2], datatype: 'INT8', data: [1, 0] },
        '/inputs/1/datatype',
        'does not fit a boolean feature',
      ],
      [
        'a scalar feature with a 2-D shape',
        { name: 'score', shape: [1, 2], datatype: 'FP32', data: [1, 2] },
        '/inputs/1/shape',
        'must be [n] or [n, 1] for a single-valued feature',
      ],
      [
        'a string element over maxLength',
        { name: 'city', shape: [2], datatype: 'BYTES', data: ['Paris', 'London'] },
        '/inputs/1/data/1',
        'must be at most 5 characters',
      ],
      [
        'an enum element not allowed',
        { name: 'tier', shape: [2], datatype: 'BYTES', data: ['a', 'z'] },
        '/inputs/1/data/1',
        'must be one of "a", "b"',
      ],
      [
        'an unknown datatype',
        { name: 'score', shape: [2], datatype: 'FLOAT', data: [1, 2] },
        '/inputs/1/datatype',
        expect.stringMatching(/^must be a KServe v2 datatype/),
      ],
      [
        'a negative shape dimension',
        { name: 'score', shape: [-2], datatype: 'FP32', data: [] },
        '/inputs/1/shape',
        'must be an array of 1 to 8 non-negative integers',
      ],
      [
        'rows that disagree',
        { name: 'score', shape: [3], datatype: 'FP32', data: [1, 2, 3] },
        '/inputs/1/shape',
        'has 3 rows but /inputs/0 has 2',
      ],
      [
        'an unknown member of an input',
        { ...age, name: 'score', datatype: 'FP32', extra: 1 },
        '/inputs/1/extra',
        'is not part of an input tensor',
      ],
      ['a repeated feature', age, '/inputs/1/name', 'names a feature that another input already carries'],
    ])('refuses %s', (_name, input, pointer, detail) => {
      const check = failed(contract.validateKserveV2({ inputs: [age, input] }));
      expect(check.malformed).toBe(false);
      expect(check.errors).toContainEqual({ pointer, detail });
    });

    it('an age out of range is reported at its element', () => {
      expect(failed(contract.validateKserveV2({ inputs: [{ ...age, data: [30, 151] }] })).errors).toEqual([
        { pointer: '/inputs/0/data/1', detail: 'must be between 0 and 150 (INT32)' },
      ]);
    });

    it('a missing required feature is reported', () => {
      expect(failed(contract.validateKserveV2({ inputs: [{ name: 'score', shape: [1], datatype: 'FP32', data: [1] }] })).errors).toEqual([
        { pointer: '/inputs', detail: 'is missing the required feature "age"' },
      ]);
    });

    it('more rows than maxBatch are refused for scalar features', () => {
      expect(pointers(contract.validateKserveV2({ inputs: [{ ...age, shape: [5], data: [1, 2, 3, 4, 5] }] }))).toEqual(['/inputs/0/shape']);
    });

    it.each([
      ['not an object', [1, 2]],
      ['no inputs', { id: 'x' }],
      ['inputs not an array', { inputs: { age: 1 } }],
    ])('%s is malformed (400)', (_name, body) => {
      expect(failed(contract.validateKserveV2(body)).malformed).toBe(true);
    });

    it('an unknown top-level member is refused', () => {
      expect(pointers(contract.validateKserveV2({ inputs: [age], foo: 1 }))).toEqual(['/foo']);
    });

    it('tensor-only contracts count tensor elements', () => {
      const tensors = compiler.compile('kserve-tensors', { features: [{ name: 'x', type: 'tensor', datatype: 'INT8', shape: [-1, 3] }] });
      expect(tensors.validateKserveV2({ inputs: [{ name: 'x', shape: [2, 3], datatype: 'INT8', data: [1, 2, 3, -128, 127, 0] }] })).toEqual(
        {
          ok: true,
          elements: 6,
        },
      );
      expect(pointers(tensors.validateKserveV2({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'INT8', data: [1, 2, 128] }] }))).toEqual([
        '/inputs/0/data/2',
      ]);
    });
  });

  describe('validateOpenAI', () => {
    const contract = compiler.compile('llm', { features: [], openai: { maxTokens: 100, maxMessages: 2, maxInputChars: 40 } });
    const chat = { model: 'llama', messages: [{ role: 'user', content: 'Hello there' }] };

    it('accepts a chat request with vendor extensions; elements ≈ tokens', () => {
      expect(contract.validateOpenAI('chat', { ...chat, max_tokens: 100, temperature: 0.2, top_k: 5, guided_json: {} })).toEqual({
        ok: true,
        elements: 3,
      });
    });

    it('accepts content-part arrays, completions and embeddings', () => {
      expect(
        contract.validateOpenAI('chat', {
          model: 'm',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'abcd' },
                { type: 'image_url', image_url: { url: 'x' } },
              ],
            },
          ],
        }).ok,
      ).toBe(true);
      expect(contract.validateOpenAI('completions', { model: 'm', prompt: ['abcd', 'efgh'] })).toEqual({ ok: true, elements: 2 });
      expect(contract.validateOpenAI('embeddings', { model: 'm', input: [1, 2, 3] })).toEqual({ ok: true, elements: 3 });
    });

    it.each([
      ['chat', { ...chat, max_tokens: 101 }, '/max_tokens', 'must be at most 100 for this model'],
      ['chat', { ...chat, max_completion_tokens: 500 }, '/max_completion_tokens', 'must be at most 100 for this model'],
      [
        'chat',
        { ...chat, messages: [chat.messages[0], chat.messages[0], chat.messages[0]] },
        '/messages',
        'must have at most 2 messages for this model',
      ],
      [
        'chat',
        { ...chat, messages: [{ role: 'user', content: 'x'.repeat(41) }] },
        '/messages',
        'must have at most 40 characters of text for this model',
      ],
      [
        'completions',
        { model: 'm', prompt: ['x'.repeat(30), 'y'.repeat(11)] },
        '/prompt',
        'must have at most 40 characters of text for this model',
      ],
      ['embeddings', { model: 'm', input: 'z'.repeat(41) }, '/input', 'must have at most 40 characters of text for this model'],
      [
        'chat',
        { ...chat, messages: [{ role: 'robot', content: 'hi' }] },
        '/messages/0/role',
        'must be one of "system", "user", "assistant", "tool", "developer"',
      ],
      ['chat', { ...chat, messages: [{ role: 'user', content: 42 }] }, '/messages/0/content', 'must be a string or an array or null'],
      ['chat', { ...chat, messages: [{ role: 'user', content: [{ type: 'text' }] }] }, '/messages/0/content/0/text', 'is required'],
      ['chat', { ...chat, messages: [] }, '/messages', 'must have at least 1 items'],
      ['chat', { ...chat, temperature: 2.5 }, '/temperature', 'must be at most 2'],
      ['chat', { ...chat, top_p: -0.1 }, '/top_p', 'must be at least 0'],
      ['chat', { ...chat, max_tokens: 0 }, '/max_tokens', 'must be at least 1'],
      ['chat', { ...chat, max_tokens: 1.5 }, '/max_tokens', 'must be an integer or null'],
      ['chat', { ...chat, stream: 'yes' }, '/stream', 'must be a boolean'],
      ['chat', { messages: chat.messages }, '/model', 'is required'],
      ['completions', { model: 'm', prompt: 5 }, '/prompt', 'must be a string or an array'],
      ['embeddings', { model: 'm', input: [] }, '/input', 'must have at least 1 items'],
    ] as const)('%s: refuses at %s', (kind, body, pointer, detail) => {
      const check = failed(contract.validateOpenAI(kind, body));
      expect(check.malformed).toBe(false);
      expect(check.errors).toContainEqual({ pointer, detail });
    });

    it('a non-object body is malformed', () => {
      expect(failed(contract.validateOpenAI('chat', 'hi')).malformed).toBe(true);
    });
  });

  describe('compilation and caching', () => {
    it('compiles once per cache key', () => {
      const local = new ContractCompiler();
      const first = local.compile('k', credit);
      expect(local.compile('k', { features: [] })).toBe(first);
      expect(local.compile('other', credit)).not.toBe(first);
    });

    it('is a bounded LRU', () => {
      const local = new ContractCompiler(2);
      const a = local.compile('a', credit);
      local.compile('b', credit);
      local.compile('a', credit); // a is now the most recent
      local.compile('c', credit); // evicts b
      expect(local.size).toBe(2);
      expect(local.compile('a', credit)).toBe(a);
      local.forget('a');
      expect(local.compile('a', credit)).not.toBe(a);
    });

    it.each([
      ['an invalid contract', { features: [{ name: 'x', type: 'tensor' }] }],
      ['a reserved feature name', { features: [{ name: '__proto__', type: 'number' }] }],
      ['an invalid free-form schema', { features: [], jsonSchema: { type: 'object', properties: { x: { type: 'nope' } } } }],
      ['a free-form schema with an unknown keyword (strict)', { features: [], jsonSchema: { type: 'object', madeUp: true } }],
    ])('refuses %s', (_name, contract) => {
      expect(() => new ContractCompiler().compile('x', contract)).toThrow(ContractCompileError);
    });

    it('verify() checks without caching', () => {
      const local = new ContractCompiler();
      local.verify(credit);
      expect(local.size).toBe(0);
    });
  });
});
