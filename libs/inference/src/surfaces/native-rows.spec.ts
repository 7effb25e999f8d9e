import type { InputContract } from '@infergate/validation';
import { ModelInputMismatchException } from '../onnx/onnx.errors';
import { flatInputs, nativeRows, rowsToTensors, tensorsToRows } from './native-rows';

const contract = {
  features: [
    { name: 'age', type: 'integer', required: true },
    { name: 'score', type: 'number', required: true },
    { name: 'member', type: 'boolean', required: false },
    { name: 'tier', type: 'enum', values: ['gold', 'silver'], required: false },
    { name: 'image', type: 'tensor', datatype: 'FP32', shape: [2, 2], required: false },
  ],
  maxBatch: 10,
} as InputContract;

describe('native rows ↔ OIP v2 tensors', () => {
  it('reads one row (`inputs`) or a batch (`instances`)', () => {
    expect(nativeRows({ inputs: { age: 1 } })).toEqual({ rows: [{ age: 1 }], single: true });
    expect(nativeRows({ instances: [{ age: 1 }, { age: 2 }] })).toEqual({ rows: [{ age: 1 }, { age: 2 }], single: false });
  });

  it('makes one tensor per feature present, in contract order, typed by the feature', () => {
    const rows = [
      {
        score: 0.5,
        age: 30,
        tier: 'gold',
        image: [
          [1, 2],
          [3, 4],
        ],
      },
      {
        score: 1.5,
        age: 40,
        tier: 'silver',
        image: [
          [5, 6],
          [7, 8],
        ],
      },
    ];
    expect(rowsToTensors(rows, contract)).toEqual([
      { name: 'age', datatype: 'INT64', shape: [2], data: [30, 40] },
      { name: 'score', datatype: 'FP64', shape: [2], data: [0.5, 1.5] },
      { name: 'tier', datatype: 'BYTES', shape: [2], data: ['gold', 'silver'] },
      { name: 'image', datatype: 'FP32', shape: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] },
    ]);
  });

  it('refuses a feature present in some rows of a batch but not in others', () => {
    expect(() =>
      rowsToTensors(
        [
          { age: 1, score: 1, member: true },
          { age: 2, score: 2 },
        ],
        contract,
      ),
    ).toThrow(ModelInputMismatchException);
  });

  it('splits outputs back into rows: scalars for one element per row, arrays otherwise', () => {
    const rows = tensorsToRows(
      [
        { name: 'p', datatype: 'FP32', shape: [2, 1], data: [0.1, 0.9] },
        { name: 'logits', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
      ],
      2,
    );
    expect(rows).toEqual([
      { p: 0.1, logits: [1, 2, 3] },
      { p: 0.9, logits: [4, 5, 6] },
    ]);
  });

  it('flattens nested OIP data to row-major', () => {
    expect(
      flatInputs({
        inputs: [
          {
            name: 'image',
            datatype: 'FP32',
            shape: [1, 2, 2],
            data: [
              [
                [1, 2],
                [3, 4],
              ],
            ] as never,
          },
        ],
      })[0].data,
    ).toEqual([1, 2, 3, 4]);
  });
});
