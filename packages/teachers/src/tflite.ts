/**
 * TFLite flatbuffers (schema: tensorflow/lite/schema/schema.fbs) read with the `flatbuffers`
 * runtime and executed as a tfjs graph, for the op set of the MLPerf Tiny models: CONV_2D,
 * DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE/MAX_POOL_2D, RESHAPE, SOFTMAX, ADD, with fused
 * activations, plus QUANTIZE/DEQUANTIZE. Quantized (int8) models run "dequantized": every
 * constant becomes float (scale * (q - zero_point), per channel where the file says so) and the
 * graph runs in float32, which approximates the integer kernels to within rounding.
 */
import * as flatbuffers from 'flatbuffers';
import { AugpriorError, tf, type Tensor } from '@augprior/core';

// Field slots (vtable index) from schema.fbs.
const vt = (slot: number) => 4 + 2 * slot;

enum TensorType {
  FLOAT32 = 0,
  FLOAT16 = 1,
  INT32 = 2,
  UINT8 = 3,
  INT64 = 4,
  INT16 = 7,
  INT8 = 9,
}

const BUILTIN: Record<number, string> = {
  0: 'ADD',
  1: 'AVERAGE_POOL_2D',
  3: 'CONV_2D',
  4: 'DEPTHWISE_CONV_2D',
  6: 'DEQUANTIZE',
  9: 'FULLY_CONNECTED',
  17: 'MAX_POOL_2D',
  19: 'RELU',
  21: 'RELU6',
  22: 'RESHAPE',
  25: 'SOFTMAX',
  114: 'QUANTIZE',
};

export interface TfliteTensor {
  name: string;
  type: number;
  shape: number[];
  buffer: number;
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
}

export interface TfliteOperator {
  op: string;
  inputs: number[];
  outputs: number[];
  options: flatbuffers.ByteBuffer | null;
  optionsTable: number;
}

export interface TfliteModel {
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
  buffers: Array<Uint8Array | null>;
  description: string;
}

function table(bb: flatbuffers.ByteBuffer, pos: number) {
  const field = (slot: number) => bb.__offset(pos, vt(slot));
  return {
    int32: (slot: number, def = 0) => (field(slot) ? bb.readInt32(pos + field(slot)) : def),
    uint32: (slot: number, def = 0) => (field(slot) ? bb.readUint32(pos + field(slot)) : def),
    int8: (slot: number, def = 0) => (field(slot) ? bb.readInt8(pos + field(slot)) : def),
    uint8: (slot: number, def = 0) => (field(slot) ? bb.readUint8(pos + field(slot)) : def),
    float32: (slot: number, def = 0) => (field(slot) ? bb.readFloat32(pos + field(slot)) : def),
    bool: (slot: number, def = false) => (field(slot) ? bb.readInt8(pos + field(slot)) !== 0 : def),
    string: (slot: number) => (field(slot) ? (bb.__string(pos + field(slot)) as string) : ''),
    tableAt: (slot: number) => (field(slot) ? bb.__indirect(pos + field(slot)) : 0),
    vector: (slot: number) => {
      const o = field(slot);
      return o ? { start: bb.__vector(pos + o), length: bb.__vector_len(pos + o) } : { start: 0, length: 0 };
    },
  };
}

function readInts(bb: flatbuffers.ByteBuffer, v: { start: number; length: number }, bytes = 4): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) out.push(bytes === 8 ? Number(bb.readInt64(v.start + i * 8)) : bb.readInt32(v.start + i * 4));
  return out;
}

export function parseTflite(bytes: Uint8Array, source: string): TfliteModel {
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(4, 8)) !== 'TFL3') {
    throw new AugpriorError('teacher.format', `${source} is not a TFLite flatbuffer (no TFL3 identifier)`);
  }
  try {
    const bb = new flatbuffers.ByteBuffer(bytes);
    const model = table(bb, bb.readInt32(bb.position()) + bb.position());
    const codesVec = model.vector(1);
    const opNames: string[] = [];
    for (let i = 0; i < codesVec.length; i++) {
      const code = table(bb, bb.__indirect(codesVec.start + i * 4));
      const builtin = Math.max(code.int8(0), code.int32(3));
      opNames.push(BUILTIN[builtin] ?? `builtin_${builtin}`);
    }
    const buffersVec = model.vector(4);
    const buffers: Array<Uint8Array | null> = [];
    for (let i = 0; i < buffersVec.length; i++) {
      const buffer = table(bb, bb.__indirect(buffersVec.start + i * 4));
      const data = buffer.vector(0);
      buffers.push(data.length ? bytes.subarray(data.start, data.start + data.length) : null);
    }
    const subgraphs = model.vector(2);
    if (subgraphs.length !== 1) throw new Error(`${subgraphs.length} subgraphs (only single-subgraph models are supported)`);
    const graph = table(bb, bb.__indirect(subgraphs.start));
    const tensorsVec = graph.vector(0);
    const tensors: TfliteTensor[] = [];
    for (let i = 0; i < tensorsVec.length; i++) {
      const t = table(bb, bb.__indirect(tensorsVec.start + i * 4));
      const q = t.tableAt(4);
      const quant = q ? table(bb, q) : undefined;
      const scaleVec = quant?.vector(2) ?? { start: 0, length: 0 };
      const scale: number[] = [];
      for (let k = 0; k < scaleVec.length; k++) scale.push(bb.readFloat32(scaleVec.start + k * 4));
      tensors.push({
        name: t.string(3),
        type: t.int8(1),
        shape: readInts(bb, t.vector(0)),
        buffer: t.uint32(2),
        scale,
        zeroPoint: quant ? readInts(bb, quant.vector(3), 8) : [],
        quantizedDimension: quant?.int32(6) ?? 0,
      });
    }
    const opsVec = graph.vector(3);
    const operators: TfliteOperator[] = [];
    for (let i = 0; i < opsVec.length; i++) {
      const o = table(bb, bb.__indirect(opsVec.start + i * 4));
      const optionsTable = o.tableAt(4);
      operators.push({ op: opNames[o.uint32(0)] ?? 'unknown', inputs: readInts(bb, o.vector(1)), outputs: readInts(bb, o.vector(2)), options: optionsTable ? bb : null, optionsTable });
    }
    return { tensors, operators, inputs: readInts(bb, graph.vector(1)), outputs: readInts(bb, graph.vector(2)), buffers, description: model.string(3) };
  } catch (error) {
    if (error instanceof AugpriorError) throw error;
    throw new AugpriorError('teacher.corrupt', `${source} is not a readable TFLite model: ${(error as Error).message}`);
  }
}

/** The constant data of a tensor as float32 (dequantized when quantized), in TFLite layout. */
function constantValues(model: TfliteModel, t: TfliteTensor): Float32Array | undefined {
  const raw = model.buffers[t.buffer];
  if (!raw) return undefined;
  const count = t.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(count);
  const channels = t.scale.length;
  const inner = channels > 1 ? t.shape.slice(t.quantizedDimension + 1).reduce((a, b) => a * b, 1) : count;
  for (let i = 0; i < count; i++) {
    let q: number;
    switch (t.type) {
      case TensorType.FLOAT32:
        out[i] = view.getFloat32(i * 4, true);
        continue;
      case TensorType.INT8:
        q = view.getInt8(i);
        break;
      case TensorType.UINT8:
        q = view.getUint8(i);
        break;
      case TensorType.INT16:
        q = view.getInt16(i * 2, true);
        break;
      case TensorType.INT32:
        q = view.getInt32(i * 4, true);
        break;
      case TensorType.INT64:
        q = Number(view.getBigInt64(i * 8, true));
        break;
      default:
        throw new AugpriorError('teacher.format', `tensor ${t.name} has unsupported type ${t.type}`);
    }
    if (!channels) {
      out[i] = q;
      continue;
    }
    const c = channels > 1 ? Math.floor(i / inner) % channels : 0;
    out[i] = t.scale[c]! * (q - (t.zeroPoint[c] ?? 0));
  }
  return out;
}

const PADDING = ['same', 'valid'] as const;

function activation(code: number, x: Tensor): Tensor {
  switch (code) {
    case 0:
      return x;
    case 1:
      return tf.relu(x);
    case 2:
      return tf.clipByValue(x, -1, 1);
    case 3:
      return tf.relu6(x);
    case 4:
      return tf.tanh(x);
    default:
      throw new AugpriorError('teacher.format', `unsupported fused activation ${code}`);
  }
}

/** A TFLite model as a runnable tfjs graph (constants converted once, held until dispose). */
export class TfliteGraph {
  private readonly constants = new Map<number, Tensor>();

  constructor(
    readonly model: TfliteModel,
    readonly source: string,
  ) {
    const unsupported = [...new Set(model.operators.map((o) => o.op).filter((op) => !['ADD', 'AVERAGE_POOL_2D', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'DEQUANTIZE', 'FULLY_CONNECTED', 'MAX_POOL_2D', 'RELU', 'RELU6', 'RESHAPE', 'SOFTMAX', 'QUANTIZE'].includes(op)))];
    if (unsupported.length) throw new AugpriorError('teacher.unsupported-op', `${source} uses TFLite ops augprior cannot run: ${unsupported.join(', ')}`);
    for (const op of model.operators) {
      if (op.op !== 'CONV_2D' && op.op !== 'DEPTHWISE_CONV_2D' && op.op !== 'FULLY_CONNECTED') continue;
      const [, w, b] = op.inputs;
      const wt = model.tensors[w!]!;
      const values = constantValues(model, wt);
      if (!values) throw new AugpriorError('teacher.format', `${source}: ${op.op} weights ${wt.name} are not constant`);
      const s = wt.shape;
      let weight: Tensor;
      if (op.op === 'CONV_2D') weight = tf.tidy(() => tf.transpose(tf.tensor4d(values, s as [number, number, number, number]), [1, 2, 3, 0])); // OHWI -> HWIO
      else if (op.op === 'DEPTHWISE_CONV_2D') {
        const multiplier = table(op.options!, op.optionsTable).int32(3, 1) || 1;
        weight = tf.reshape(tf.tensor(values, s), [s[1]!, s[2]!, s[3]! / multiplier, multiplier]); // [1,KH,KW,C*M] -> [KH,KW,C,M]
      } else weight = tf.tidy(() => tf.transpose(tf.tensor2d(values, s as [number, number]))); // [O,I] -> [I,O]
      this.constants.set(w!, weight);
      if (b !== undefined && b >= 0) {
        const bias = constantValues(model, model.tensors[b]!);
        if (bias) this.constants.set(b, tf.tensor1d(bias));
      }
    }
  }

  get inputTensor(): TfliteTensor {
    return this.model.tensors[this.model.inputs[0]!]!;
  }

  get outputTensor(): TfliteTensor {
    return this.model.tensors[this.model.outputs[0]!]!;
  }

  /**
   * The last spatial feature map: the last tensor an operator writes that is [n, h, w, c] with
   * h * w > 1 (what the final pooling reduces), for channel visualisation.
   */
  get featureMapTensor(): number | undefined {
    const spatial = (i: number) => {
      const shape = this.model.tensors[i]?.shape ?? [];
      return shape.length === 4 && shape[1]! * shape[2]! > 1;
    };
    return [...this.model.operators].reverse().map((op) => op.outputs[0]!).find(spatial);
  }

  /** Runs the graph on a float batch laid out as the model's input (e.g. [n, 49, 10, 1]); `output` picks another tensor to return. */
  run(x: Tensor, options: { stopBeforeSoftmax: boolean; output?: number }): Tensor {
    return tf.tidy(() => {
      const values = new Map<number, Tensor>(this.constants);
      values.set(this.model.inputs[0]!, x);
      const get = (i: number) => {
        const v = values.get(i);
        if (!v) throw new AugpriorError('teacher.format', `${this.source}: tensor ${this.model.tensors[i]?.name ?? i} is used before it is computed`);
        return v;
      };
      for (const op of this.model.operators) {
        const opt = op.options ? table(op.options, op.optionsTable) : undefined;
        const out = op.outputs[0]!;
        const input = get(op.inputs[0]!);
        switch (op.op) {
          case 'QUANTIZE':
          case 'DEQUANTIZE':
            values.set(out, input); // the graph runs in float throughout
            break;
          case 'CONV_2D': {
            const y = tf.conv2d(input as tf.Tensor4D, get(op.inputs[1]!) as tf.Tensor4D, [opt!.int32(2, 1), opt!.int32(1, 1)], PADDING[opt!.int8(0)]!, 'NHWC', [opt!.int32(5, 1), opt!.int32(4, 1)]);
            const b = op.inputs[2];
            values.set(out, activation(opt!.int8(3), b !== undefined && b >= 0 ? tf.add(y, get(b)) : y));
            break;
          }
          case 'DEPTHWISE_CONV_2D': {
            const y = tf.depthwiseConv2d(input as tf.Tensor4D, get(op.inputs[1]!) as tf.Tensor4D, [opt!.int32(2, 1), opt!.int32(1, 1)], PADDING[opt!.int8(0)]!, 'NHWC', [opt!.int32(6, 1), opt!.int32(5, 1)]);
            const b = op.inputs[2];
            values.set(out, activation(opt!.int8(4), b !== undefined && b >= 0 ? tf.add(y, get(b)) : y));
            break;
          }
          case 'FULLY_CONNECTED': {
            const flat = tf.reshape(input, [input.shape[0]!, -1]);
            const y = tf.matMul(flat as tf.Tensor2D, get(op.inputs[1]!) as tf.Tensor2D);
            const b = op.inputs[2];
            values.set(out, activation(opt?.int8(0) ?? 0, b !== undefined && b >= 0 ? tf.add(y, get(b)) : y));
            break;
          }
          case 'AVERAGE_POOL_2D':
          case 'MAX_POOL_2D': {
            const pool = op.op === 'MAX_POOL_2D' ? tf.maxPool : tf.avgPool;
            const y = pool(input as tf.Tensor4D, [opt!.int32(4, 1), opt!.int32(3, 1)], [opt!.int32(2, 1), opt!.int32(1, 1)], PADDING[opt!.int8(0)]!);
            values.set(out, activation(opt!.int8(5), y));
            break;
          }
          case 'RESHAPE': {
            const target = this.model.tensors[out]!.shape.slice(1);
            values.set(out, tf.reshape(input, [input.shape[0]!, ...target]));
            break;
          }
          case 'ADD':
            values.set(out, activation(opt?.int8(0) ?? 0, tf.add(input, get(op.inputs[1]!))));
            break;
          case 'RELU':
            values.set(out, tf.relu(input));
            break;
          case 'RELU6':
            values.set(out, tf.relu6(input));
            break;
          case 'SOFTMAX':
            // A teacher returns logits: softmax(logits / T) is what distillation takes.
            values.set(out, options.stopBeforeSoftmax ? input : tf.softmax(tf.mul(input, opt?.float32(0, 1) ?? 1)));
            break;
        }
        if (out === options.output) break;
      }
      return tf.clone(get(options.output ?? this.model.outputs[0]!));
    });
  }

  dispose(): void {
    for (const t of this.constants.values()) t.dispose();
    this.constants.clear();
  }
}
