import fc from 'fast-check';
import { assertUtf8Charset, MalformedBodyException, parseJsonBody, scanJsonText, UnsupportedMediaTypeException } from './json-body';

const parse = (text: string, depth?: number) => parseJsonBody(Buffer.from(text), depth);

describe('scanJsonText', () => {
  it('counts nesting outside strings only', () => {
    expect(scanJsonText('[[[1]]]', 3).tooDeep).toBe(false);
    expect(scanJsonText('[[[[1]]]]', 3).tooDeep).toBe(true);
    expect(scanJsonText('["[[[[[[", "\\"[[[[", {"a":"\\\\"}]', 2).tooDeep).toBe(false);
  });

  it('flags exponents and long digit runs, not true/false or strings', () => {
    expect(scanJsonText('{"e":true,"x":"1e999"}', 10).bigNumbers).toBe(false);
    expect(scanJsonText('[1e5]', 10).bigNumbers).toBe(true);
    expect(scanJsonText('[1.0E-5]', 10).bigNumbers).toBe(true);
    expect(scanJsonText(`[${'9'.repeat(301)}]`, 10).bigNumbers).toBe(true);
  });
});

describe('parseJsonBody', () => {
  it('parses ordinary JSON, BOM included', () => {
    expect(parse('{"a":[1,"x",null,{"b":1e3}]}')).toEqual({ a: [1, 'x', null, { b: 1000 }] });
    expect(parseJsonBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]))).toEqual({ a: 1 });
  });

  it.each([
    ['empty', ''],
    ['too deep', '[[[[1]]]]'],
    ['not JSON', '{a:1}'],
    ['NaN', '[NaN]'],
    ['1e309', '[1e309]'],
    ['__proto__', '{"__proto__":{"x":1}}'],
    ['escaped __proto__', '{"\\u005f_proto__":1}'],
    ['nested constructor', '{"a":[{"b":{"constructor":1}}]}'],
    ['prototype', '{"prototype":1}'],
  ])('refuses %s with a 400', (_name, text) => {
    expect(() => parse(text, 3)).toThrow(MalformedBodyException);
  });

  it('accepts those words as values', () => {
    expect(parse('{"a":"__proto__ constructor prototype"}')).toEqual({ a: '__proto__ constructor prototype' });
  });

  it('refuses invalid UTF-8', () => {
    expect(() => parseJsonBody(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).toThrow(/UTF-8/); // a UTF-8-encoded surrogate
  });

  it('answers 10^5 levels of nesting without recursion', () => {
    expect(() => parse('['.repeat(100_000) + ']'.repeat(100_000))).toThrow(/deeper than 64/);
  });

  it('never throws anything but a 400 problem on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.uint8Array().map((b) => Buffer.from(b).toString('latin1')),
        ),
        (text) => {
          try {
            parse(text);
          } catch (error) {
            expect(error).toBeInstanceOf(MalformedBodyException);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees with JSON.parse on arbitrary JSON within the depth cap', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
        const text = JSON.stringify(value);
        fc.pre(!/"(__proto__|constructor|prototype)":/.test(text)); // refused on purpose, tested above
        expect(parse(text)).toEqual(JSON.parse(text));
      }),
    );
  });
});

describe('assertUtf8Charset', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'application/json; charset=utf8'])(
    'accepts %s',
    (type) => {
      expect(() => assertUtf8Charset(type)).not.toThrow();
    },
  );
  it.each(['application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json; charset=""'])(
    'refuses %s with 415',
    (type) => {
      expect(() => assertUtf8Charset(type)).toThrow(UnsupportedMediaTypeException);
    },
  );
});
