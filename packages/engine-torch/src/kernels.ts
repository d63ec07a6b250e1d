/**
 * tfjs kernel name -> ATen op. Each adapter turns tfjs' attributes into the explicit arguments the
 * native op takes (tfjs' own conv/pool info helpers compute the exact pads, so 'same' padding and
 * dimRoundingMode mean what they mean on every other backend). Kernels without an adapter run
 * through `cpuFallback`: correct, slower, and listed by `fallbackKernels()`.
 */
import * as tf from '@tensorflow/tfjs';
import type { NativeHandle } from './native.js';
import { TorchBackend, toTypedArray } from './torch-backend.js';

type Info = tf.TensorInfo;
type Attrs = Record<string, unknown>;
type Adapter = (backend: TorchBackend, inputs: Array<Info | undefined>, attrs: Attrs) => Info | Info[];

const { backend_util, util, slice_util } = tf;

function run(b: TorchBackend, op: string, inputs: Array<Info | undefined | null>, attrs: Attrs = {}): Info {
  return b.adopt(b.native.run(op, inputs.map((i) => (i ? b.handleOf(i) : null)), attrs));
}

function runMany(b: TorchBackend, op: string, inputs: Array<Info | undefined>, attrs: Attrs): Info[] {
  return b.native.run(op, inputs.map((i) => b.handleOf(i!)), attrs, true).map((r) => b.adopt(r));
}

/** Runs an op on an intermediate and releases it (for chained native calls). */
function release(b: TorchBackend, info: Info): void {
  b.disposeData(info.dataId);
}


function conv2dAttrs(info: tf.backend_util.Conv2DInfo, depthwise: boolean): Attrs {
  const p = info.padInfo;
  return { strides: [info.strideHeight, info.strideWidth], dilations: [info.dilationHeight, info.dilationWidth], pads: [p.top, p.bottom, p.left, p.right], depthwise };
}

function conv3dAttrs(info: tf.backend_util.Conv3DInfo): Attrs {
  const p = info.padInfo;
  return {
    strides: [info.strideDepth, info.strideHeight, info.strideWidth],
    dilations: [info.dilationDepth, info.dilationHeight, info.dilationWidth],
    pads: [p.front, p.back, p.top, p.bottom, p.left, p.right],
  };
}

function pool2dAttrs(info: tf.backend_util.Conv2DInfo): Attrs {
  const p = info.padInfo;
  return { filter: [info.filterHeight, info.filterWidth], strides: [info.strideHeight, info.strideWidth], dilations: [info.dilationHeight, info.dilationWidth], pads: [p.top, p.bottom, p.left, p.right] };
}

function pool3dAttrs(info: tf.backend_util.Conv3DInfo): Attrs {
  const p = info.padInfo;
  return {
    filter: [info.filterDepth, info.filterHeight, info.filterWidth],
    strides: [info.strideDepth, info.strideHeight, info.strideWidth],
    dilations: [info.dilationDepth, info.dilationHeight, info.dilationWidth],
    pads: [p.front, p.back, p.top, p.bottom, p.left, p.right],
  };
}

function applyActivation(b: TorchBackend, x: Info, activation: string | undefined, alpha: Info | undefined, leakyAlpha: number | undefined): Info {
  if (!activation || activation === 'linear') return x;
  let out: Info;
  switch (activation) {
    case 'relu':
      out = run(b, 'relu', [x]);
      break;
    case 'relu6':
      out = run(b, 'relu6', [x]);
      break;
    case 'elu':
      out = run(b, 'elu', [x]);
      break;
    case 'sigmoid':
      out = run(b, 'sigmoid', [x]);
      break;
    case 'leakyrelu':
      out = run(b, 'leaky_relu', [x], { alpha: leakyAlpha ?? 0.2 });
      break;
    case 'prelu':
      out = run(b, 'prelu', [x, alpha!]);
      break;
    default:
      throw new Error(`activation ${activation} is not supported by the torch engine`);
  }
  release(b, x);
  return out;
}

const unary = (op: string): Adapter => (b, [x]) => run(b, op, [x]);
const binary = (op: string): Adapter => (b, [x, y]) => run(b, op, [x, y]);

function reduction(op: string): Adapter {
  return (b, [x], { axis, keepDims }) => run(b, op, [x], { axes: util.parseAxisParam(axis as number | number[], x!.shape), keepDims: Boolean(keepDims) });
}

/**
 * kernel name -> [its input names in order ('*' = a list of tensors), adapter]. tfjs hands a
 * kernel a name -> TensorInfo map (or an array for list inputs); adapters take them positionally.
 */
export const ADAPTERS: Record<string, [string[], Adapter]> = {
  // element-wise, one input
  Abs: [['x'], unary('abs')],
  Acos: [['x'], unary('acos')],
  Acosh: [['x'], unary('acosh')],
  Asin: [['x'], unary('asin')],
  Asinh: [['x'], unary('asinh')],
  Atan: [['x'], unary('atan')],
  Atanh: [['x'], unary('atanh')],
  Ceil: [['x'], unary('ceil')],
  Cos: [['x'], unary('cos')],
  Cosh: [['x'], unary('cosh')],
  Elu: [['x'], unary('elu')],
  Erf: [['x'], unary('erf')],
  Exp: [['x'], unary('exp')],
  Expm1: [['x'], unary('expm1')],
  Floor: [['x'], unary('floor')],
  IsFinite: [['x'], unary('is_finite')],
  IsInf: [['x'], unary('is_inf')],
  IsNan: [['x'], unary('is_nan')],
  Log: [['x'], unary('log')],
  Log1p: [['x'], unary('log1p')],
  LogicalNot: [['x'], unary('logical_not')],
  Neg: [['x'], unary('neg')],
  Reciprocal: [['x'], unary('reciprocal')],
  Relu: [['x'], unary('relu')],
  Relu6: [['x'], unary('relu6')],
  Round: [['x'], unary('round')],
  Rsqrt: [['x'], unary('rsqrt')],
  Selu: [['x'], unary('selu')],
  Sigmoid: [['x'], unary('sigmoid')],
  Sign: [['x'], unary('sign')],
  Sin: [['x'], unary('sin')],
  Sinh: [['x'], unary('sinh')],
  Softplus: [['x'], unary('softplus')],
  Sqrt: [['x'], unary('sqrt')],
  Square: [['x'], unary('square')],
  Tan: [['x'], unary('tan')],
  Tanh: [['x'], unary('tanh')],
  ZerosLike: [['x'], unary('zeros_like')],
  OnesLike: [['x'], unary('ones_like')],
  // Shares the data (tfjs' gradient code clones a lot); no native call, just another reference.
  Identity: [['x'], (b, [x]) => {
    b.incRef(x!.dataId);
    return { dataId: x!.dataId, shape: x!.shape, dtype: x!.dtype };
  }],
  LeakyRelu: [['x'], (b, [x], { alpha }) => run(b, 'leaky_relu', [x], { alpha })],
  Step: [['x'], (b, [x], { alpha }) => run(b, 'step', [x], { alpha: alpha ?? 0 })],
  ClipByValue: [['x'], (b, [x], { clipValueMin, clipValueMax }) => run(b, 'clip', [x], { min: clipValueMin, max: clipValueMax })],
  Cast: [['x'], (b, [x], { dtype }) => run(b, 'cast', [x], { dtype })],

  // element-wise, two inputs (numpy broadcasting on both sides)
  Add: [['a', 'b'], binary('add')],
  Sub: [['a', 'b'], binary('sub')],
  Multiply: [['a', 'b'], binary('mul')],
  RealDiv: [['a', 'b'], binary('div')],
  FloorDiv: [['a', 'b'], binary('floor_div')],
  Maximum: [['a', 'b'], binary('maximum')],
  Minimum: [['a', 'b'], binary('minimum')],
  Mod: [['a', 'b'], binary('mod')],
  Pow: [['a', 'b'], binary('pow')],
  SquaredDifference: [['a', 'b'], binary('squared_difference')],
  Atan2: [['a', 'b'], binary('atan2')],
  Equal: [['a', 'b'], binary('equal')],
  NotEqual: [['a', 'b'], binary('not_equal')],
  Greater: [['a', 'b'], binary('greater')],
  GreaterEqual: [['a', 'b'], binary('greater_equal')],
  Less: [['a', 'b'], binary('less')],
  LessEqual: [['a', 'b'], binary('less_equal')],
  LogicalAnd: [['a', 'b'], binary('logical_and')],
  LogicalOr: [['a', 'b'], binary('logical_or')],
  LogicalXor: [['a', 'b'], binary('logical_xor')],
  Prelu: [['x', 'alpha'], binary('prelu')],
  EluGrad: [['dy', 'y'], binary('elu_grad')],
  Select: [['condition', 't', 'e'], (b, [c, t, e]) => run(b, 'where', [c, t, e])],
  AddN: [['*'], (b, inputs) => run(b, 'add_n', inputs)],

  // reductions
  Sum: [['x'], reduction('sum')],
  Mean: [['x'], reduction('mean')],
  Max: [['x'], (b, [x], { reductionIndices, keepDims }) => run(b, 'max', [x], { axes: util.parseAxisParam(reductionIndices as number | number[], x!.shape), keepDims: Boolean(keepDims) })],
  Min: [['x'], reduction('min')],
  Prod: [['x'], reduction('prod')],
  All: [['x'], reduction('all')],
  Any: [['x'], reduction('any')],
  ArgMax: [['x'], (b, [x], { axis }) => run(b, 'argmax', [x], { axis: util.parseAxisParam(axis as number, x!.shape)[0] })],
  ArgMin: [['x'], (b, [x], { axis }) => run(b, 'argmin', [x], { axis: util.parseAxisParam(axis as number, x!.shape)[0] })],
  Cumsum: [['x'], (b, [x], { axis, exclusive, reverse }) => run(b, 'cumsum', [x], { axis, exclusive: Boolean(exclusive), reverse: Boolean(reverse) })],
  Softmax: [['logits'], (b, [x], { dim }) => run(b, 'softmax', [x], { dim })],

  // shapes and data movement
  Reshape: [['x'], (b, [x], { shape }) => run(b, 'reshape', [x], { shape: util.inferFromImplicitShape(shape as number[], util.sizeFromShape(x!.shape)) })],
  ExpandDims: [['input'], (b, [x], { dim }) => {
    const shape = [...x!.shape];
    const d = (dim as number) < 0 ? shape.length + 1 + (dim as number) : (dim as number);
    shape.splice(d, 0, 1);
    return run(b, 'reshape', [x], { shape });
  }],
  Transpose: [['x'], (b, [x], { perm }) => run(b, 'transpose', [x], { perm })],
  Slice: [['x'], (b, [x], { begin, size }) => {
    const [begin_, size_] = slice_util.parseSliceParams(x as unknown as tf.Tensor, begin as number[], size as number[]);
    return run(b, 'slice', [x], { begin: begin_, size: size_ });
  }],
  Concat: [['*'], (b, inputs, { axis }) => {
    const $axis = util.parseAxisParam(axis as number, inputs[0]!.shape)[0]!;
    const nonEmpty = inputs.filter((t) => util.sizeFromShape(t!.shape) > 0);
    if (nonEmpty.length === 1) return run(b, 'identity', [nonEmpty[0]]);
    return run(b, 'concat', nonEmpty.length ? nonEmpty : inputs, { axis: $axis });
  }],
  Pack: [['*'], (b, inputs, { axis }) => run(b, 'stack', inputs, { axis })],
  Unpack: [['value'], (b, [x], { axis }) => runMany(b, 'unstack', [x!], { axis })],
  SplitV: [['x'], (b, [x], { numOrSizeSplits, axis }) => {
    const $axis = util.parseAxisParam(axis as number, x!.shape)[0]!;
    const sizes = backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits as number | number[], $axis);
    return runMany(b, 'split', [x!], { sizes, axis: $axis });
  }],
  PadV2: [['x'], (b, [x], { paddings, constantValue }) => {
    // ATen wants [last_before, last_after, ..., first_before, first_after]
    const pads = [...(paddings as Array<[number, number]>)].reverse().flat();
    return run(b, 'pad', [x], { pads, value: constantValue ?? 0 });
  }],
  Tile: [['x'], (b, [x], { reps }) => run(b, 'tile', [x], { reps })],
  BroadcastTo: [['x'], (b, [x], { shape }) => {
    const target = shape as number[];
    const padded = [...new Array(target.length - x!.shape.length).fill(1), ...x!.shape];
    const reshaped = run(b, 'reshape', [x], { shape: padded });
    const out = run(b, 'broadcast_to', [reshaped], { shape: target });
    release(b, reshaped);
    return out;
  }],
  Reverse: [['x'], (b, [x], { dims }) => run(b, 'reverse', [x], { dims: util.parseAxisParam(dims as number | number[], x!.shape) })],
  FlipLeftRight: [['image'], (b, [x]) => run(b, 'reverse', [x], { dims: [2] })],
  GatherV2: [['x', 'indices'], (b, [x, indices], { axis, batchDims }) => {
    if (batchDims) throw new FallbackRequired();
    return run(b, 'gather', [x, indices], { axis: util.parseAxisParam(axis as number, x!.shape)[0] });
  }],
  OneHot: [['indices'], (b, [indices], { depth, onValue, offValue, dtype }) => run(b, 'one_hot', [indices], { depth, onValue, offValue, dtype })],
  Fill: [[], (b, _inputs, { shape, value, dtype }) => run(b, 'fill', [], { shape, value, dtype: dtype ?? (typeof value === 'number' ? 'float32' : 'bool') })],

  // linear algebra and normalisation
  BatchMatMul: [['a', 'b'], (b, [x, y], { transposeA, transposeB }) => run(b, 'matmul', [x, y], { transposeA, transposeB })],
  _FusedMatMul: [['a', 'b', 'bias', 'preluActivationWeights'], (b, [x, y, bias, prelu], { transposeA, transposeB, activation, leakyreluAlpha }) => {
    let out = run(b, 'matmul', [x, y], { transposeA, transposeB });
    if (bias) {
      const biased = run(b, 'add', [out, bias]);
      release(b, out);
      out = biased;
    }
    return applyActivation(b, out, activation as string | undefined, prelu, leakyreluAlpha as number | undefined);
  }],
  FusedBatchNorm: [['x', 'mean', 'variance', 'offset', 'scale'], (b, [x, mean, variance, offset, scale], { varianceEpsilon }) =>
    run(b, 'batch_norm', [x, mean, variance, offset ?? null, scale ?? null], { eps: varianceEpsilon ?? 0.001 })],

  // Fused batch-norm training kernels that @augprior/core's BatchNorm uses when a backend has them.
  AugpriorBatchNormTraining: [['x', 'scale', 'offset'], (b, [x, scale, offset], { varianceEpsilon }) =>
    runMany(b, 'batch_norm_training', [x, scale, offset], { eps: varianceEpsilon })],
  AugpriorBatchNormTrainingGrad: [['dy', 'x', 'scale', 'mean', 'invStd'], (b, inputs, { varianceEpsilon }) =>
    runMany(b, 'batch_norm_training_backward', inputs, { eps: varianceEpsilon })],

  // Fused Adam/AdamW step that @augprior/core's Adam uses when a backend has it.
  AugpriorAdamStep: [['param', 'grad', 'expAvg', 'expAvgSq'], (b, inputs, attrs) => runMany(b, 'adam_step', inputs, attrs)],

  // convolution
  Conv2D: [['x', 'filter'], (b, [x, filter], { strides, pad, dataFormat, dilations, dimRoundingMode }) => {
    if (dataFormat === 'NCHW') throw new FallbackRequired();
    const info = backend_util.computeConv2DInfo(x!.shape as never, filter!.shape as never, strides as never, dilations as never, pad as never, dimRoundingMode as never);
    return run(b, 'conv', [x, filter], conv2dAttrs(info, false));
  }],
  FusedConv2D: [['x', 'filter', 'bias', 'preluActivationWeights'], (b, [x, filter, bias, prelu], { strides, pad, dataFormat, dilations, dimRoundingMode, activation, leakyreluAlpha }) => {
    if (dataFormat === 'NCHW') throw new FallbackRequired();
    const info = backend_util.computeConv2DInfo(x!.shape as never, filter!.shape as never, strides as never, dilations as never, pad as never, dimRoundingMode as never);
    const out = run(b, 'conv', [x, filter, bias ?? null], conv2dAttrs(info, false));
    return applyActivation(b, out, activation as string, prelu, leakyreluAlpha as number | undefined);
  }],
  DepthwiseConv2dNative: [['x', 'filter'], (b, [x, filter], { strides, pad, dilations, dimRoundingMode }) => {
    const info = backend_util.computeConv2DInfo(x!.shape as never, filter!.shape as never, strides as never, (dilations ?? 1) as never, pad as never, dimRoundingMode as never, true);
    return run(b, 'conv', [x, filter], conv2dAttrs(info, true));
  }],
  FusedDepthwiseConv2D: [['x', 'filter', 'bias', 'preluActivationWeights'], (b, [x, filter, bias, prelu], { strides, pad, dilations, dimRoundingMode, activation, leakyreluAlpha }) => {
    const info = backend_util.computeConv2DInfo(x!.shape as never, filter!.shape as never, strides as never, (dilations ?? 1) as never, pad as never, dimRoundingMode as never, true);
    const out = run(b, 'conv', [x, filter, bias ?? null], conv2dAttrs(info, true));
    return applyActivation(b, out, activation as string, prelu, leakyreluAlpha as number | undefined);
  }],
  Conv2DBackpropInput: [['dy', 'filter'], (b, [dy, filter], { inputShape, strides, pad, dataFormat, dimRoundingMode }) => {
    if (dataFormat === 'NCHW') throw new FallbackRequired();
    const info = backend_util.computeConv2DInfo(inputShape as never, filter!.shape as never, strides as never, 1, pad as never, dimRoundingMode as never);
    return run(b, 'conv_backward_input', [dy, filter], { ...conv2dAttrs(info, false), inputShape });
  }],
  Conv2DBackpropFilter: [['x', 'dy'], (b, [x, dy], { strides, pad, dataFormat, dimRoundingMode, filterShape }) => {
    if (dataFormat === 'NCHW') throw new FallbackRequired();
    const info = backend_util.computeConv2DInfo(x!.shape as never, filterShape as never, strides as never, 1, pad as never, dimRoundingMode as never);
    return run(b, 'conv_backward_filter', [x, dy], { ...conv2dAttrs(info, false), filterShape });
  }],
  DepthwiseConv2dNativeBackpropInput: [['dy', 'filter'], (b, [dy, filter], { strides, dilations, pad, dimRoundingMode, inputShape }) => {
    const info = backend_util.computeConv2DInfo(inputShape as never, filter!.shape as never, strides as never, (dilations ?? 1) as never, pad as never, dimRoundingMode as never, true);
    return run(b, 'conv_backward_input', [dy, filter], { ...conv2dAttrs(info, true), inputShape });
  }],
  DepthwiseConv2dNativeBackpropFilter: [['x', 'dy'], (b, [x, dy], { strides, dilations, pad, dimRoundingMode, filterShape }) => {
    const info = backend_util.computeConv2DInfo(x!.shape as never, filterShape as never, strides as never, (dilations ?? 1) as never, pad as never, dimRoundingMode as never, true);
    return run(b, 'conv_backward_filter', [x, dy], { ...conv2dAttrs(info, true), filterShape });
  }],
  Conv3D: [['x', 'filter'], (b, [x, filter], { strides, pad, dilations }) => {
    const info = backend_util.computeConv3DInfo(x!.shape as never, filter!.shape as never, strides as never, (dilations ?? 1) as never, pad as never);
    return run(b, 'conv', [x, filter], conv3dAttrs(info));
  }],
  Conv3DBackpropInputV2: [['dy', 'filter'], (b, [dy, filter], { strides, pad, inputShape }) => {
    const info = backend_util.computeConv3DInfo(inputShape as never, filter!.shape as never, strides as never, 1, pad as never);
    return run(b, 'conv_backward_input', [dy, filter], { ...conv3dAttrs(info), inputShape });
  }],
  Conv3DBackpropFilterV2: [['x', 'dy'], (b, [x, dy], { strides, pad, filterShape }) => {
    const info = backend_util.computeConv3DInfo(x!.shape as never, filterShape as never, strides as never, 1, pad as never);
    return run(b, 'conv_backward_filter', [x, dy], { ...conv3dAttrs(info), filterShape });
  }],

  // pooling
  MaxPool: [['x'], (b, [x], { filterSize, strides, pad, dimRoundingMode }) =>
    run(b, 'max_pool', [x], pool2dAttrs(backend_util.computePool2DInfo(x!.shape as never, filterSize as never, strides as never, 1, pad as never, dimRoundingMode as never)))],
  MaxPoolGrad: [['dy', 'input', 'output'], (b, [dy, input], { filterSize, strides, pad, dimRoundingMode }) =>
    run(b, 'max_pool_backward', [dy, input], pool2dAttrs(backend_util.computePool2DInfo(input!.shape as never, filterSize as never, strides as never, 1, pad as never, dimRoundingMode as never)))],
  AvgPool: [['x'], (b, [x], { filterSize, strides, pad, dimRoundingMode }) =>
    run(b, 'avg_pool', [x], pool2dAttrs(backend_util.computePool2DInfo(x!.shape as never, filterSize as never, strides as never, 1, pad as never, dimRoundingMode as never)))],
  AvgPoolGrad: [['dy', 'input'], (b, [dy, input], { filterSize, strides, pad }) =>
    run(b, 'avg_pool_backward', [dy, input], pool2dAttrs(backend_util.computePool2DInfo(input!.shape as never, filterSize as never, strides as never, 1, pad as never)))],
  MaxPool3D: [['x'], (b, [x], { filterSize, strides, pad, dimRoundingMode }) =>
    run(b, 'max_pool', [x], pool3dAttrs(backend_util.computePool3DInfo(x!.shape as never, filterSize as never, strides as never, 1, pad as never, dimRoundingMode as never)))],
  MaxPool3DGrad: [['dy', 'input', 'output'], (b, [dy, input], { filterSize, strides, pad, dimRoundingMode }) =>
    run(b, 'max_pool_backward', [dy, input], pool3dAttrs(backend_util.computePool3DInfo(input!.shape as never, filterSize as never, strides as never, 1, pad as never, dimRoundingMode as never)))],
  AvgPool3D: [['x'], (b, [x], { filterSize, strides, pad, dimRoundingMode }) =>
    run(b, 'avg_pool', [x], pool3dAttrs(backend_util.computePool3DInfo(x!.shape as never, filterSize as never, strides as never, 1, pad as never, dimRoundingMode as never)))],
  AvgPool3DGrad: [['dy', 'input'], (b, [dy, input], { filterSize, strides, pad, dimRoundingMode }) =>
    run(b, 'avg_pool_backward', [dy, input], pool3dAttrs(backend_util.computePool3DInfo(input!.shape as never, filterSize as never, strides as never, 1, pad as never, dimRoundingMode as never)))],

  // images
  ResizeBilinear: [['images'], (b, [images], { alignCorners, halfPixelCenters, size }) => {
    // TF1's legacy mode (neither flag) has no ATen equivalent.
    if (!alignCorners && !halfPixelCenters) throw new FallbackRequired();
    return run(b, 'resize_bilinear', [images], { size, alignCorners: Boolean(alignCorners) });
  }],
};

/** Thrown by an adapter for attribute combinations ATen cannot express; the cpu kernel runs instead. */
export class FallbackRequired extends Error {}

function orderedInputs(names: string[], inputs: tf.NamedTensorInfoMap | Info[]): Array<Info | undefined> {
  if (names[0] === '*') return Array.isArray(inputs) ? inputs : Object.values(inputs);
  const map = inputs as Record<string, Info | undefined>;
  return names.map((n) => map[n]);
}

/** Runs a cpu kernel on copies of the inputs and brings the outputs back into ATen. */
function cpuFallback(b: TorchBackend, kernel: tf.KernelConfig, inputs: tf.NamedTensorInfoMap | Info[], attrs: Attrs): Info | Info[] {
  const cpu = tf.findBackend('cpu') as tf.KernelBackend | null;
  if (!cpu) throw new Error(`kernel ${kernel.kernelName} needs the cpu backend as fallback, which is not registered`);
  const created: object[] = [];
  const toCpu = (info: Info): Info => {
    const dataId = cpu.write(b.readSync(info.dataId), info.shape, info.dtype);
    created.push(dataId);
    return { dataId, shape: info.shape, dtype: info.dtype };
  };
  const cpuInputs = Array.isArray(inputs) ? inputs.map(toCpu) : Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v ? toCpu(v) : v]));
  try {
    const out = kernel.kernelFunc({ inputs: cpuInputs as tf.NamedTensorInfoMap, backend: cpu, attrs: attrs as tf.NamedAttrMap });
    const outs = Array.isArray(out) ? out : [out];
    const back = outs.map((o) => {
      const values = cpu.readSync(o.dataId);
      const size = util.sizeFromShape(o.shape);
      const info = b.adopt(b.native.fromBuffer(toTypedArray(values, o.dtype, size), o.shape, { float32: 0, int32: 1, bool: 2 }[o.dtype as 'float32']));
      created.push(o.dataId);
      return info;
    });
    return Array.isArray(out) ? back : back[0]!;
  } finally {
    for (const dataId of created) cpu.disposeData(dataId, true);
  }
}

const fellBack = new Set<string>();

/** Kernels that ran through the cpu fallback in this process (for reports and tests). */
export function fallbackKernels(): string[] {
  return [...fellBack].sort();
}

export function registerTorchKernels(backendName: string): { native: string[]; fallback: string[] } {
  const native: string[] = [];
  const fallback: string[] = [];
  const cpuKernels = new Map(tf.getKernelsForBackend('cpu').map((k) => [k.kernelName, k]));
  for (const [kernelName, [names, adapter]] of Object.entries(ADAPTERS)) {
    const cpuKernel = cpuKernels.get(kernelName);
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const b = backend as unknown as TorchBackend;
        try {
          return adapter(b, orderedInputs(names, inputs as tf.NamedTensorInfoMap), attrs as Attrs);
        } catch (error) {
          if (!(error instanceof FallbackRequired) || !cpuKernel) throw error;
          fellBack.add(`${kernelName} (${JSON.stringify(attrs)})`.slice(0, 120));
          return cpuFallback(b, cpuKernel, inputs as tf.NamedTensorInfoMap, attrs as Attrs);
        }
      },
    });
    native.push(kernelName);
  }
  for (const [kernelName, kernel] of cpuKernels) {
    if (kernelName in ADAPTERS) continue;
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        fellBack.add(kernelName);
        return cpuFallback(backend as unknown as TorchBackend, kernel, inputs as tf.NamedTensorInfoMap, attrs as Attrs);
      },
    });
    fallback.push(kernelName);
  }
  return { native, fallback };
}

export type { NativeHandle };
