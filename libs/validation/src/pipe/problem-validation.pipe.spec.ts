import { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { PaginationQueryDto, RequestValidationException } from '@infergate/common';
import { ProblemValidationPipe } from './problem-validation.pipe';
import { checkPlain } from './validate-plain';
import { validationErrorsToProblemErrors } from './validation-errors';

class TagDto {
  @IsString()
  @MaxLength(5, { message: 'Must be at most 5 characters.' })
  name!: string;
}

class ItemDto {
  @IsString({ message: 'Must be a string.' })
  name!: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TagDto)
  tags?: TagDto[];
}

class OwnerDto {
  @IsString({ message: 'Must be a string.' })
  id!: string;
}

class OrderDto {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];

  @IsObject()
  @ValidateNested()
  @Type(() => OwnerDto)
  owner!: OwnerDto;

  @IsOptional()
  @IsInt({ message: 'Must be an integer.' })
  count?: number;
}

/** The pitfall: a nested object without @Type() stays a plain object that no rule describes. */
class CarelessDto {
  @IsObject()
  @ValidateNested()
  owner!: OwnerDto;
}

const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

async function errorsOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationException);
    const problem = error as RequestValidationException;
    expect(problem.status).toBe(400);
    expect(problem.type).toMatch(/validation-failed$/);
    return problem.errors;
  }
  throw new Error('expected a validation error');
}

describe(ProblemValidationPipe.name, () => {
  const sut = new ProblemValidationPipe();
  const valid = (): { items: Array<{ name: unknown; tags?: unknown[] }>; owner: unknown } => ({
    items: [{ name: 'a', tags: [{ name: 't' }] }],
    owner: { id: 'o' },
  });

  it('returns an instance of the DTO with its nested classes', async () => {
    const out = await sut.transform(valid(), body(OrderDto));
    expect(out).toBeInstanceOf(OrderDto);
    expect(out.items[0]).toBeInstanceOf(ItemDto);
    expect(out.items[0].tags[0]).toBeInstanceOf(TagDto);
    expect(out.owner).toBeInstanceOf(OwnerDto);
  });

  it('names a bad array item and a bad nested field by their JSON pointers', async () => {
    const value = valid();
    value.items.push({ name: 'b' }, { name: 7, tags: [{ name: 'ok' }, { name: 'too long' }] });
    expect(await errorsOf(() => sut.transform(value, body(OrderDto)))).toEqual([
      { pointer: '/items/2/name', detail: 'Must be a string.' },
      { pointer: '/items/2/tags/1/name', detail: 'Must be at most 5 characters.' },
    ]);
  });

  it('refuses unknown fields at their own pointer, nested ones included', async () => {
    const value = { ...valid(), extra: 1, owner: { id: 'o', role: 'admin' } };
    value.items[0].tags!.push({ name: 'x', colour: 'red' });
    expect(await errorsOf(() => sut.transform(value, body(OrderDto)))).toEqual([
      { pointer: '/extra', detail: 'This field is not allowed.' },
      { pointer: '/items/0/tags/1/colour', detail: 'This field is not allowed.' },
      { pointer: '/owner/role', detail: 'This field is not allowed.' },
    ]);
  });

  it('refuses a primitive or an array where a nested object or array belongs', async () => {
    expect(await errorsOf(() => sut.transform({ items: 'x', owner: [{ id: 'o' }] }, body(OrderDto)))).toEqual([
      { pointer: '/items', detail: 'Must be an array.' },
      { pointer: '/owner', detail: 'Must be an object.' },
    ]);
    expect(await errorsOf(() => sut.transform({ items: [1], owner: { id: 'o' } }, body(OrderDto)))).toEqual([
      { pointer: '/items/0', detail: 'Must be an object.' },
    ]);
  });

  it('refuses a nested object that no @Type() built (forbidUnknownValues), rather than passing it unchecked', async () => {
    expect(await errorsOf(() => sut.transform({ owner: { id: 42, anything: true } }, body(CarelessDto)))).toEqual([
      { pointer: '/owner', detail: 'This value is not allowed here.' },
    ]);
  });

  it('does not convert a numeric string to a number (no implicit conversion)', async () => {
    expect(await errorsOf(() => sut.transform({ ...valid(), count: '3' }, body(OrderDto)))).toEqual([
      { pointer: '/count', detail: 'Must be an integer.' },
    ]);
  });

  it.each([[[valid()]], ['text'], [42], [true]])('answers 400 at the root for the non-object body %j', async (value) => {
    expect(await errorsOf(() => sut.transform(value, body(OrderDto)))).toEqual([{ pointer: '', detail: 'Must be a JSON object.' }]);
  });

  it('treats a null body as an empty one: every required field is reported', async () => {
    const errors = (await errorsOf(() => sut.transform(null, body(OrderDto)))) as Array<{ pointer: string }>;
    expect(errors.map((error) => error.pointer)).toEqual(['/items', '/owner']);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key instead of deleting it silently', async (key) => {
    const value = JSON.parse(`{"limit":"5","${key}":{"polluted":true}}`);
    expect(await errorsOf(() => sut.transform(value, { type: 'query', metatype: PaginationQueryDto }))).toEqual([
      { pointer: `/${key}`, detail: 'This field is not allowed.' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('converts query strings only where the DTO says so, and applies defaults', async () => {
    const out = await sut.transform({ limit: '20' }, { type: 'query', metatype: PaginationQueryDto });
    expect(out).toEqual(Object.assign(new PaginationQueryDto(), { limit: 20, offset: 0 }));
    expect(await errorsOf(() => sut.transform({ limit: '1.5', offset: 'abc' }, { type: 'query', metatype: PaginationQueryDto }))).toEqual([
      { pointer: '/limit', detail: 'Must be an integer.' },
      { pointer: '/offset', detail: 'Must be an integer.' },
    ]);
    expect(await errorsOf(() => sut.transform({ limit: '0', offset: '1000001' }, { type: 'query', metatype: PaginationQueryDto }))).toEqual(
      [
        { pointer: '/limit', detail: 'Must be at least 1.' },
        { pointer: '/offset', detail: 'Must be at most 1000000.' },
      ],
    );
  });

  it('leaves custom-decorator and primitive parameters exactly as they came, synchronously', () => {
    const raw = { anything: ['goes'] };
    expect(sut.transform(raw, { type: 'custom', metatype: OrderDto })).toBe(raw);
    expect(sut.transform(raw, { type: 'body', metatype: Object })).toBe(raw);
    expect(sut.transform('0', { type: 'query', metatype: Boolean, data: 'flag' })).toBe('0');
    expect(sut.transform('12', { type: 'param', metatype: Number, data: 'id' })).toBe('12');
  });
});

describe(validationErrorsToProblemErrors.name, () => {
  it('escapes ~ and / in keys (RFC 6901) and prefixes a base pointer', () => {
    expect(
      validationErrorsToProblemErrors(
        [{ property: 'a/b~c', constraints: { whitelistValidation: 'property a/b~c should not exist' }, children: [] }],
        '/rules/3',
      ),
    ).toEqual([{ pointer: '/rules/3/a~1b~0c', detail: 'This field is not allowed.' }]);
  });

  it('reports only the type error of a value whose other checks failed too', () => {
    expect(
      validationErrorsToProblemErrors([
        { property: 'n', constraints: { max: 'Must be at most 5.', isInt: 'Must be an integer.' }, children: [] },
        { property: 's', constraints: { maxLength: 'Too long.', matches: 'Bad characters.' }, children: [] },
      ]),
    ).toEqual([
      { pointer: '/n', detail: 'Must be an integer.' },
      { pointer: '/s', detail: 'Too long.' },
      { pointer: '/s', detail: 'Bad characters.' },
    ]);
  });
});

describe(checkPlain.name, () => {
  it('validates outside HTTP with the same rules and pointers below a base', () => {
    expect(checkPlain(OrderDto, { items: [{ name: 1 }], owner: { id: 'o' } }, '/orders/0')).toEqual({
      ok: false,
      errors: [{ pointer: '/orders/0/items/0/name', detail: 'Must be a string.' }],
    });
    expect(checkPlain(OrderDto, ['x'], '/orders/1')).toEqual({
      ok: false,
      errors: [{ pointer: '/orders/1', detail: 'Must be an object.' }],
    });
  });
});
