// Produces models/credit-risk/credit-risk-v1.onnx, the demo model the embedded profile registers on
// first start. Run: node -r @swc-node/register scripts/make-demo-model.ts [--check]
//
// There is no Python `onnx` package (and no protobuf library) in this toolchain, so the ONNX
// ModelProto is encoded here by hand: protobuf's wire format is small (varints and length-delimited
// fields) and the graph needs only a handful of messages. Field numbers are those of onnx.proto.
// The output is deterministic: the same weights always give the same bytes (`--check` verifies the
// committed file against them).
//
// Graph:  features float[N,6] ─MatMul(weights float[6,1])─Add(bias float[1])─Sigmoid─▶ probability float[N,1]
// Weights and bias (hand-picked, not trained), defined once in libs/inference/src/onnx/credit-risk-demo.ts
// (CREDIT_RISK_FEATURES / CREDIT_RISK_BIAS) so that seeding and tests use the same numbers:
//   column  feature         unit                         range            weight
//   0       income          annual, currency units       0 … 10,000,000   -0.00002
//   1       debt_ratio      monthly debt / income        0 … 10            2.5
//   2       age             years (integer)              18 … 120         -0.02
//   3       credit_lines    open lines (integer)         0 … 100          -0.05
//   4       late_payments   30+ days late, 2 y (integer) 0 … 100           0.6
//   5       loan_amount     currency units               0 … 10,000,000    0.00001
//   bias -1.5;  e.g. {52000, 0.35, 41, 5, 1, 15000} → sigmoid(-1.985) ≈ 0.1208
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CREDIT_RISK_BIAS, CREDIT_RISK_DEMO, CREDIT_RISK_FEATURES } from '../libs/inference/src/onnx/credit-risk-demo';

/** Protobuf wire-format writer: just what ONNX's messages need. */
class ProtoWriter {
  private readonly chunks: Buffer[] = [];

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`varint out of range: ${value}`);
    const bytes: number[] = [];
    let rest = value;
    while (rest > 0x7f) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    this.chunks.push(Buffer.from(bytes));
  }

  private key(field: number, wireType: 0 | 2): void {
    this.varint(field * 8 + wireType);
  }

  int(field: number, value: number): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.chunks.push(Buffer.from(value));
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  message(field: number, build: (writer: ProtoWriter) => void): this {
    const nested = new ProtoWriter();
    build(nested);
    return this.bytes(field, nested.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const TENSOR_FLOAT = 1; // TensorProto.DataType.FLOAT
const IR_VERSION = 8; // ONNX 1.10+, understood by every supported onnxruntime
const OPSET = 13;

/** TensorProto{dims=1, data_type=2, name=8, raw_data=9}: float32 little-endian in raw_data. */
function tensor(writer: ProtoWriter, name: string, dims: number[], values: number[]): void {
  for (const dim of dims) writer.int(1, dim);
  writer.int(2, TENSOR_FLOAT);
  writer.string(8, name);
  const raw = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => raw.writeFloatLE(value, index * 4));
  writer.bytes(9, raw);
}

/** ValueInfoProto{name=1, type=2} → TypeProto{tensor_type=1} → Tensor{elem_type=1, shape=2} → TensorShapeProto{dim=1}. */
function floatValueInfo(writer: ProtoWriter, name: string, dims: Array<number | string>): void {
  writer.string(1, name);
  writer.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, TENSOR_FLOAT);
      tensorType.message(2, (shape) => {
        for (const dim of dims) shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
      });
    }),
  );
}

/** NodeProto{input=1, output=2, name=3, op_type=4}. */
function node(writer: ProtoWriter, opType: string, name: string, inputs: string[], outputs: string[]): void {
  for (const input of inputs) writer.string(1, input);
  for (const output of outputs) writer.string(2, output);
  writer.string(3, name);
  writer.string(4, opType);
}

export function buildCreditRiskModel(): Buffer {
  const featureCount = CREDIT_RISK_FEATURES.length;
  const { inputName, outputName } = CREDIT_RISK_DEMO;
  return (
    new ProtoWriter()
      .int(1, IR_VERSION)
      .string(2, 'infergate scripts/make-demo-model.ts')
      .message(7, (graph) => {
        // GraphProto{node=1, name=2, initializer=5, doc_string=10, input=11, output=12}
        graph.message(1, (n) => node(n, 'MatMul', 'score', [inputName, 'weights'], ['logit_raw']));
        graph.message(1, (n) => node(n, 'Add', 'offset', ['logit_raw', 'bias'], ['logit']));
        graph.message(1, (n) => node(n, 'Sigmoid', 'squash', ['logit'], [outputName]));
        graph.string(2, 'credit_risk_logistic_regression');
        graph.message(5, (t) =>
          tensor(
            t,
            'weights',
            [featureCount, 1],
            CREDIT_RISK_FEATURES.map((feature) => feature.weight),
          ),
        );
        graph.message(5, (t) => tensor(t, 'bias', [1], [CREDIT_RISK_BIAS]));
        graph.string(10, `inputs: ${CREDIT_RISK_FEATURES.map((feature) => feature.name).join(', ')}`);
        graph.message(11, (v) => floatValueInfo(v, inputName, ['N', featureCount]));
        graph.message(12, (v) => floatValueInfo(v, outputName, ['N', 1]));
      })
      // OperatorSetIdProto{domain=1, version=2}; the default domain is the empty string.
      .message(8, (opset) => opset.string(1, '').int(2, OPSET))
      .finish()
  );
}

export const CREDIT_RISK_MODEL_FILE = join(__dirname, '..', 'models', CREDIT_RISK_DEMO.modelPath);

if (require.main === module) {
  const model = buildCreditRiskModel();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(CREDIT_RISK_MODEL_FILE);
    if (!committed.equals(model)) {
      console.error(`${CREDIT_RISK_MODEL_FILE} differs from what this script produces; run it without --check`);
      process.exit(1);
    }
  } else {
    mkdirSync(dirname(CREDIT_RISK_MODEL_FILE), { recursive: true });
    writeFileSync(CREDIT_RISK_MODEL_FILE, model);
    console.warn(`wrote ${CREDIT_RISK_MODEL_FILE} (${model.length} bytes)`);
  }
}
