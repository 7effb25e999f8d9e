import { Test } from '@nestjs/testing';
import { RequestValidationException } from '@infergate/common';
import { ValidationModule } from '../validation.module';
import { ContractCompileError, ContractCompiler } from './contract-compiler';
import { ContractValidator } from './contract-validator';
import { ContractViolationException } from './contract-violation.exception';

const contract = { features: [{ name: 'age', type: 'integer', minimum: 0 }], openai: { maxMessages: 1 } };

describe(ContractValidator.name, () => {
  let sut: ContractValidator;
  let compiler: ContractCompiler;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ValidationModule] }).compile();
    sut = moduleRef.get(ContractValidator);
    compiler = moduleRef.get(ContractCompiler);
  });

  it('checks each surface with the compiled contract and answers the elements', () => {
    expect(sut.check('v1', contract, 'native', { instances: [{ age: 1 }, { age: 2 }] })).toEqual({ ok: true, elements: 2 });
    expect(sut.check('v1', contract, 'kserve-v2', { inputs: [{ name: 'age', datatype: 'INT64', shape: [1], data: [3] }] })).toEqual({
      ok: true,
      elements: 1,
    });
    expect(sut.check('v1', contract, 'embeddings', { model: 'm', input: 'abcdefgh' })).toEqual({ ok: true, elements: 2 });
    expect(sut.check('v1', contract, 'native', { inputs: { age: -1 } })).toMatchObject({
      ok: false,
      malformed: false,
      errors: [{ pointer: '/inputs/age' }],
    });
    expect(sut.check('v1', contract, 'chat', { model: 'm', messages: [{ role: 'user' }, { role: 'user' }] })).toMatchObject({
      ok: false,
      errors: [{ pointer: '/messages', detail: 'must have at most 1 messages for this model' }],
    });
  });

  it('compiles once per cache key', () => {
    sut.check('v1', contract, 'native', { inputs: { age: 1 } });
    // Same key: the cached contract answers, whatever is passed.
    expect(sut.check('v1', { features: [] }, 'native', { inputs: { age: 1 } })).toEqual({ ok: true, elements: 1 });
    expect(compiler.size).toBe(1);
    expect(sut.check('v2', { features: [] }, 'native', { inputs: { age: 1 } })).toMatchObject({ ok: false });
    expect(compiler.size).toBe(2);
  });

  it('throws the existing problems: 400 for a malformed body, 422 for a contract violation', () => {
    expect(sut.assert('v1', contract, 'native', { inputs: { age: 4 } })).toBe(1);
    expect(() => sut.assert('v1', contract, 'native', { rows: [] })).toThrow(RequestValidationException);
    expect(() => sut.assert('v1', contract, 'native', { inputs: { age: 'x' } })).toThrow(ContractViolationException);
    expect(() => sut.assert('v1', contract, 'kserve-v2', { inputs: 'x' })).toThrow(RequestValidationException);
  });

  it('refuses a contract that does not pass the contract rules', () => {
    expect(() => sut.check('bad', { features: [{ name: 'x', type: 'enum' }] }, 'native', {})).toThrow(
      new ContractCompileError('input contract is invalid at /features/0/values: an enum feature lists its values'),
    );
  });
});
