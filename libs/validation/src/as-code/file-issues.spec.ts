import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsIn, IsInt, IsObject, IsOptional, IsPositive, ValidateNested } from 'class-validator';
import { YamlSource } from '@infergate/common';
import { EachItem } from '../dto/each-item.decorator';
import { checkMapping, inFileOrder, mappingEntries, prototypeKeyIssues } from './file-issues';

const COLOURS = ['red', 'green'];
const isColour = (item: unknown): boolean => COLOURS.includes(item as string);

class LimitDto {
  @IsInt({ message: 'must be a positive integer' }) @IsPositive({ message: 'must be a positive integer' }) burst!: number;
}

class ThingDto {
  @IsDefined({ message: 'kind is required' }) @IsIn(['a', 'b'], { message: 'unknown kind' }) kind!: string;
  @IsOptional()
  @IsArray({ message: 'colours must be a list' })
  @EachItem('isFileIssuesSpecColour', isColour, (item) => `unknown colour ${JSON.stringify(item)}`)
  colours?: string[];
  @IsOptional() @IsObject({ message: 'must be a mapping' }) @ValidateNested() @Type(() => LimitDto) limit?: LimitDto;
}

describe(checkMapping.name, () => {
  it('accepts a valid mapping', () => {
    expect(checkMapping(ThingDto, { kind: 'a', colours: ['red'], limit: { burst: 2 } }, ['things', 'x'])).toEqual([]);
  });

  it('names a value that is not a mapping', () => {
    expect(checkMapping(ThingDto, ['a'], ['things', 0], 'a thing is a mapping')).toEqual([
      { path: ['things', 0], message: 'a thing is a mapping' },
    ]);
  });

  it('reports an unknown key by name, at its own path, nested ones too', () => {
    expect(checkMapping(ThingDto, { kind: 'a', kinds: 1, limit: { burst: 1, brust: 2 } }, ['t'])).toEqual([
      { path: ['t', 'kinds'], message: 'unknown key "kinds"' },
      { path: ['t', 'limit', 'brust'], message: 'unknown key "brust"' },
    ]);
  });

  it('reports a missing value alone, not also as a value outside the list', () => {
    expect(checkMapping(ThingDto, {}, [])).toEqual([{ path: ['kind'], message: 'kind is required' }]);
  });

  it('reports each failing item at its index, with a message naming it', () => {
    expect(checkMapping(ThingDto, { kind: 'b', colours: ['red', 'blue', 'green', 7] }, [])).toEqual([
      { path: ['colours', 1], message: 'unknown colour "blue"' },
      { path: ['colours', 3], message: 'unknown colour 7' },
    ]);
  });

  it('reports a nested value of the wrong type once, and a nested failure at its path with its message once', () => {
    expect(checkMapping(ThingDto, { kind: 'a', limit: 'x' }, [])).toEqual([{ path: ['limit'], message: 'must be a mapping' }]);
    expect(checkMapping(ThingDto, { kind: 'a', limit: { burst: -1.5 } }, [])).toEqual([
      { path: ['limit', 'burst'], message: 'must be a positive integer' },
    ]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key anywhere below instead of throwing', (key) => {
    const value = JSON.parse(`{"kind": "a", "limit": {"burst": 1, "${key}": {"x": 1}}}`) as unknown;
    expect(checkMapping(ThingDto, value, ['t'])).toEqual([
      { path: ['t', 'limit', key], message: `key "${key}" is not allowed (it names an object prototype)` },
    ]);
  });
});

describe(prototypeKeyIssues.name, () => {
  it('finds prototype keys inside lists', () => {
    expect(prototypeKeyIssues([{ a: [{ constructor: 1 }] }], ['x']).map((issue) => issue.path)).toEqual([['x', 0, 'a', 0, 'constructor']]);
    expect(prototypeKeyIssues({ a: [1, 'constructor'] }, [])).toEqual([]);
  });
});

describe(inFileOrder.name, () => {
  it('orders issues by their line, then as found, and gives each its line', () => {
    const source = YamlSource.parse('f.yaml', 'a: 1\nb:\n  c: 2\nd: 3\n');
    const issues = [
      { path: ['d'], message: 'd' },
      { path: ['b', 'c'], message: 'c' },
      { path: ['a'], message: 'a1' },
      { path: ['missing'], message: 'top' },
      { path: ['a'], message: 'a2' },
    ];
    expect(inFileOrder(source, issues).map((issue) => `${issue.line} ${issue.message}`)).toEqual(['1 a1', '1 top', '1 a2', '3 c', '4 d']);
  });
});

describe(mappingEntries.name, () => {
  it('lists the entries of a mapping and none of anything else', () => {
    expect(mappingEntries({ a: 1 })).toEqual([['a', 1]]);
    expect(mappingEntries([1])).toEqual([]);
    expect(mappingEntries(null)).toEqual([]);
  });
});
