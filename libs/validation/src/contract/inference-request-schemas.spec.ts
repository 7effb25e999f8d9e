import Ajv2020 from 'ajv/dist/2020';
import { ContractCompiler } from './contract-compiler';
import { KSERVE_V2_REQUEST_SCHEMA, NATIVE_REQUEST_SCHEMA, openApiSchemaOf } from './inference-request-schemas';

// A contract that accepts any row: what is left to tell apart is the envelope alone.
const open = new ContractCompiler().compile('open', { features: [{ name: 'x', type: 'number', required: false }] });
const ajv = new Ajv2020({ allErrors: true, logger: false });

describe('inference request envelope schemas', () => {
  it.each([
    [{ inputs: {} }],
    [{ instances: [{}] }],
    [{ inputs: {}, instances: [{}] }],
    [{}],
    [{ inputs: [] }],
    [{ instances: {} }],
    [{ instances: [] }],
    [{ inputs: {}, extra: 1 }],
    [[]],
    ['x'],
  ])('native: the documented schema and the hot-path check agree on %j', (body) => {
    expect(ajv.validate(NATIVE_REQUEST_SCHEMA, body)).toBe(open.validateNative(body).ok);
  });

  const tensor = { name: 'x', datatype: 'FP64', shape: [1], data: [1] };
  it.each([
    [{ inputs: [tensor] }],
    [{ id: 'a', parameters: {}, inputs: [tensor], outputs: [{ name: 'y' }] }],
    [{ inputs: [] }],
    [{}],
    [{ inputs: {} }],
    [{ inputs: [{ ...tensor, datatype: 'FLOAT' }] }],
    [{ inputs: [{ ...tensor, extra: 1 }] }],
    [{ inputs: [{ name: 'x', datatype: 'FP64', shape: [1] }] }],
    [{ inputs: [tensor], id: 5 }],
    [{ inputs: [tensor], outputs: [{}] }],
    [{ inputs: [tensor], extra: true }],
  ])('KServe v2: the documented schema and the hot-path check agree on %j', (body) => {
    expect(ajv.validate(KSERVE_V2_REQUEST_SCHEMA, body)).toBe(open.validateKserveV2(body).ok);
  });

  it('rewrites type arrays, const and if/then into the OpenAPI 3.0 dialect without touching the source', () => {
    const source = { type: ['string', 'array', 'null'], maxLength: 4, items: { const: 'a' }, if: {}, then: {} };
    expect(openApiSchemaOf(source)).toEqual({
      oneOf: [
        { type: 'string', maxLength: 4 },
        { type: 'array', items: { enum: ['a'] } },
      ],
      nullable: true,
    });
    expect(source.type).toEqual(['string', 'array', 'null']);
  });
});
