import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { ToBoolean, ToNumber } from './config-transforms';
import { IsAbsoluteUrl } from './config-validators';
import { ConfigurationError } from './configuration.error';
import { checkOptions, validateOptions } from './options-validation';

class InnerOptions {
  @ToBoolean()
  @IsBoolean()
  enabled: boolean = false;
}

class SampleOptions {
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(10)
  count: number = 5;

  @IsOptional()
  @IsAbsoluteUrl()
  url?: string;

  @IsString()
  name: string = 'sample';

  @ValidateNested()
  @Type(() => InnerOptions)
  inner: InnerOptions = new InnerOptions();
}

function problemsOf(raw: unknown): string[] {
  try {
    validateOptions(SampleOptions, raw, 'sample');
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe(validateOptions.name, () => {
  it('fills in every default, nested ones included, and returns an instance of the class', () => {
    const sut = validateOptions(SampleOptions, {}, 'sample');
    expect(sut).toBeInstanceOf(SampleOptions);
    expect(sut).toEqual({ count: 5, name: 'sample', inner: { enabled: false } });
    expect(sut.inner).toBeInstanceOf(InnerOptions);
  });

  it('converts the documented spellings of numbers and booleans, and only where a property asks for it', () => {
    expect(validateOptions(SampleOptions, { count: '7', inner: { enabled: '1' } }, 'sample')).toMatchObject({
      count: 7,
      inner: { enabled: true },
    });
    expect(validateOptions(SampleOptions, { inner: { enabled: 'false' } }, 'sample').inner.enabled).toBe(false);
    expect(validateOptions(SampleOptions, { inner: { enabled: '0' } }, 'sample').inner.enabled).toBe(false);
    // No implicit conversion: a number is not a string, "yes" is not a boolean, "" is not zero.
    expect(problemsOf({ name: 42 })).toEqual(['sample.name: must be a string']);
    expect(problemsOf({ inner: { enabled: 'yes' } })).toEqual(['sample.inner.enabled: must be a boolean value']);
    expect(problemsOf({ count: '' })).toEqual(['sample.count: must be an integer number']);
    expect(problemsOf({ count: '3.5' })).toEqual(['sample.count: must be an integer number']);
  });

  it('names each invalid setting by its path, one line each (the type check first), all at once', () => {
    expect(problemsOf({ count: 'many' })).toEqual(['sample.count: must be an integer number']);
    expect(problemsOf({ count: 11, url: 'not a url' })).toEqual([
      'sample.count: must not be greater than 10',
      'sample.url: must be an absolute URL',
    ]);
  });

  it('refuses unknown keys, nested ones included, instead of ignoring a typo', () => {
    expect(problemsOf({ cuont: 3 })).toEqual(['sample.cuont: property cuont should not exist']);
    expect(problemsOf({ inner: { enabeld: true } })).toEqual(['sample.inner.enabeld: property enabeld should not exist']);
  });

  it('refuses a non-object, and accepts http://localhost URLs that IsUrl would refuse', () => {
    expect(checkOptions(SampleOptions, 'x').problems).toEqual([{ path: '', message: 'must be an object' }]);
    expect(validateOptions(SampleOptions, { url: 'http://localhost:3000' }, 'sample').url).toBe('http://localhost:3000');
  });
});
