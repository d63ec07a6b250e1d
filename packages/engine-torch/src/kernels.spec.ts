/**
 * Every native kernel against tfjs' cpu backend: values and gradients within 1e-4 of the
 * reference's scale. Skips (saying why) where the addon is not built, i.e. no libtorch.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, ADDON_PATH, fallbackKernels, loadNative, registerTorchBackend } from './index.js';

const built = existsSync(ADDON_PATH);

function wave(shape: number[], phase = 0, offset = 0): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.sin(i * 0.731 + phase) * Math.cos(i * 0.117 + 2 * phase) * 2 + offset;
  return out;
}

type Case = {
  kernel: string;
  name?: string;
  inputs: Array<number[] | { shape: number[]; dtype?: 'int32' | 'bool'; values?: number[]; offset?: number }>;
  fn: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  /** Differentiate the sum of squares of the output w.r.t. the float inputs. */
  grad?: boolean;
};

const x4 = [2, 6, 6, 3];
const CASES: Case[] = [
  ...['abs', 'acos', 'asin', 'atan', 'ceil', 'cos', 'cosh', 'elu', 'erf', 'exp', 'expm1', 'floor', 'neg', 'relu', 'relu6', 'round', 'selu', 'sigmoid', 'sign', 'sin', 'sinh', 'softplus', 'square', 'tan', 'tanh', 'atanh']
    .map((op): Case => ({ kernel: op === 'relu6' ? 'Relu6' : op[0]!.toUpperCase() + op.slice(1), inputs: [{ shape: [3, 5], offset: ['acos', 'asin', 'atanh'].includes(op) ? 0 : 0 }], fn: (x) => (tf as never as Record<string, (t: tf.Tensor) => tf.Tensor>)[op]!(['acos', 'asin', 'atanh'].includes(op) ? tf.mul(x, 0.45) : x), grad: !['ceil', 'floor', 'round', 'sign'].includes(op) })),
  { kernel: 'Acosh', inputs: [{ shape: [3, 5], offset: 3 }], fn: (x) => tf.acosh(x), grad: true },
  { kernel: 'Asinh', inputs: [[3, 5]], fn: (x) => tf.asinh(x), grad: true },
  { kernel: 'Log', inputs: [{ shape: [3, 5], offset: 3 }], fn: (x) => tf.log(x), grad: true },
  { kernel: 'Log1p', inputs: [{ shape: [3, 5], offset: 3 }], fn: (x) => tf.log1p(x), grad: true },
  { kernel: 'Sqrt', inputs: [{ shape: [3, 5], offset: 3 }], fn: (x) => tf.sqrt(x), grad: true },
  { kernel: 'Rsqrt', inputs: [{ shape: [3, 5], offset: 3 }], fn: (x) => tf.rsqrt(x), grad: true },
  { kernel: 'Reciprocal', inputs: [{ shape: [3, 5], offset: 3 }], fn: (x) => tf.reciprocal(x), grad: true },
  { kernel: 'IsNan', inputs: [{ shape: [4], values: [1, NaN, Infinity, -2] }], fn: (x) => tf.isNaN(x) },
  { kernel: 'IsInf', inputs: [{ shape: [4], values: [1, NaN, Infinity, -Infinity] }], fn: (x) => tf.isInf(x) },
  { kernel: 'IsFinite', inputs: [{ shape: [4], values: [1, NaN, Infinity, -2] }], fn: (x) => tf.isFinite(x) },
  { kernel: 'Step', inputs: [{ shape: [6], values: [1, -1, 0, NaN, Infinity, -Infinity] }], fn: (x) => tf.step(x, 0.3) },
  { kernel: 'LeakyRelu', inputs: [[3, 5]], fn: (x) => tf.leakyRelu(x, 0.1), grad: true },
  { kernel: 'Prelu', inputs: [[3, 5], [5]], fn: (x, a) => tf.prelu(x, a!), grad: true },
  { kernel: 'ClipByValue', inputs: [[3, 5]], fn: (x) => tf.clipByValue(x, -0.5, 0.7), grad: true },
  { kernel: 'Cast', inputs: [[3, 5]], fn: (x) => tf.cast(x, 'int32') },
  { kernel: 'Cast', name: 'int to bool', inputs: [{ shape: [4], dtype: 'int32', values: [0, 2, -1, 0] }], fn: (x) => tf.cast(x, 'bool') },
  { kernel: 'LogicalNot', inputs: [{ shape: [3], dtype: 'bool', values: [1, 0, 1] }], fn: (x) => tf.logicalNot(x) },
  // binary with broadcasting
  ...([['Add', tf.add], ['Sub', tf.sub], ['Multiply', tf.mul], ['RealDiv', tf.div], ['Atan2', tf.atan2]] as Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]>)
    .map(([kernel, op]): Case => ({ kernel, inputs: [[2, 3, 4], { shape: [3, 1], offset: kernel === 'RealDiv' ? 3 : 0 }], fn: (a, b) => op(a!, b!), grad: true })),
  // tfjs' own gradients of these do not reduce over broadcast axes, so they are tested unbroadcast.
  ...([['Maximum', tf.maximum], ['Minimum', tf.minimum], ['SquaredDifference', tf.squaredDifference]] as Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]>)
    .map(([kernel, op]): Case => ({ kernel, inputs: [[2, 3, 4], [2, 3, 4]], fn: (a, b) => op(a!, b!), grad: true })),
  { kernel: 'Pow', inputs: [{ shape: [2, 3], offset: 3 }, [2, 3]], fn: (a, b) => tf.pow(a!, b!), grad: true },
  { kernel: 'FloorDiv', inputs: [{ shape: [5], dtype: 'int32', values: [7, -7, 7, -7, 0] }, { shape: [5], dtype: 'int32', values: [2, 2, -2, -2, 3] }], fn: (a, b) => tf.floorDiv(a!, b!) },
  { kernel: 'Mod', inputs: [{ shape: [4], values: [7, -7, 7.5, -7.5] }, { shape: [4], values: [2, 2, -2, -2] }], fn: (a, b) => tf.mod(a!, b!) },
  ...([['Equal', tf.equal], ['NotEqual', tf.notEqual], ['Greater', tf.greater], ['GreaterEqual', tf.greaterEqual], ['Less', tf.less], ['LessEqual', tf.lessEqual]] as Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]>)
    .map(([kernel, op]): Case => ({ kernel, inputs: [{ shape: [5], values: [1, 2, 3, 4, 5] }, { shape: [5], values: [5, 2, 1, 4, 0] }], fn: (a, b) => op(a!, b!) })),
  ...([['LogicalAnd', tf.logicalAnd], ['LogicalOr', tf.logicalOr], ['LogicalXor', tf.logicalXor]] as Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]>)
    .map(([kernel, op]): Case => ({ kernel, inputs: [{ shape: [4], dtype: 'bool', values: [1, 1, 0, 0] }, { shape: [4], dtype: 'bool', values: [1, 0, 1, 0] }], fn: (a, b) => op(a!, b!) })),
  { kernel: 'Select', inputs: [{ shape: [3, 2], dtype: 'bool', values: [1, 0, 1, 1, 0, 0] }, [3, 2], [3, 2]], fn: (c, a, b) => tf.where(c!, a!, b!), grad: true },
  { kernel: 'AddN', inputs: [[2, 3], [2, 3], [2, 3]], fn: (a, b, c) => tf.addN([a!, b!, c!]), grad: true },
  { kernel: 'EluGrad', inputs: [[3, 4]], fn: (x) => tf.grad((t: tf.Tensor) => tf.elu(t))(x!) },
  // reductions
  { kernel: 'Sum', inputs: [[2, 3, 4]], fn: (x) => tf.sum(x, [0, 2]), grad: true },
  { kernel: 'Sum', name: 'int32 keepDims', inputs: [{ shape: [2, 3], dtype: 'int32', values: [1, 2, 3, 4, 5, 6] }], fn: (x) => tf.sum(x, 1, true) },
  { kernel: 'Mean', inputs: [[2, 3, 4]], fn: (x) => tf.mean(x, -1), grad: true },
  { kernel: 'Max', inputs: [[2, 3, 4]], fn: (x) => tf.max(x, [1]), grad: true },
  { kernel: 'Min', inputs: [[2, 3, 4]], fn: (x) => tf.min(x, [0, 1]), grad: true },
  { kernel: 'Prod', inputs: [[2, 3, 4]], fn: (x) => tf.prod(x, [1, 2]) },
  { kernel: 'All', inputs: [{ shape: [2, 2], dtype: 'bool', values: [1, 0, 1, 1] }], fn: (x) => tf.all(x, 1) },
  { kernel: 'Any', inputs: [{ shape: [2, 2], dtype: 'bool', values: [0, 0, 1, 0] }], fn: (x) => tf.any(x, 1) },
  { kernel: 'ArgMax', inputs: [[3, 5]], fn: (x) => tf.argMax(x, 1) },
  { kernel: 'ArgMin', inputs: [[3, 5]], fn: (x) => tf.argMin(x, 0) },
  { kernel: 'Cumsum', inputs: [[3, 5]], fn: (x) => tf.cumsum(x, 1, true, true), grad: true },
  { kernel: 'Softmax', inputs: [[3, 5]], fn: (x) => tf.softmax(x), grad: true },
  // shapes
  { kernel: 'Reshape', inputs: [[2, 3, 4]], fn: (x) => tf.reshape(x, [4, -1]), grad: true },
  { kernel: 'Transpose', inputs: [[2, 3, 4]], fn: (x) => tf.transpose(x, [2, 0, 1]), grad: true },
  { kernel: 'Slice', inputs: [[4, 5, 3]], fn: (x) => tf.slice(x, [1, 2, 0], [2, -1, 2]), grad: true },
  { kernel: 'Concat', inputs: [[2, 3], [2, 2]], fn: (a, b) => tf.concat([a!, b!], 1), grad: true },
  { kernel: 'Pack', inputs: [[2, 3], [2, 3]], fn: (a, b) => tf.stack([a!, b!], 1), grad: true },
  { kernel: 'Unpack', inputs: [[3, 2, 4]], fn: (x) => tf.unstack(x, 1) },
  { kernel: 'SplitV', inputs: [[3, 7]], fn: (x) => tf.split(x, [2, 4, 1], 1) },
  { kernel: 'PadV2', inputs: [[2, 3, 2]], fn: (x) => tf.pad(x, [[0, 1], [2, 0], [1, 1]], 0.5), grad: true },
  { kernel: 'Tile', inputs: [[2, 3]], fn: (x) => tf.tile(x, [2, 3]), grad: true },
  { kernel: 'BroadcastTo', inputs: [[3, 1]], fn: (x) => tf.broadcastTo(x, [2, 3, 4]) },
  { kernel: 'Reverse', inputs: [[2, 3, 4]], fn: (x) => tf.reverse(x, [0, 2]), grad: true },
  { kernel: 'GatherV2', inputs: [[5, 3], { shape: [2, 2], dtype: 'int32', values: [4, 0, 2, 2] }], fn: (x, i) => tf.gather(x!, i!, 0), grad: true },
  { kernel: 'OneHot', inputs: [{ shape: [4], dtype: 'int32', values: [0, 3, -1, 5] }], fn: (i) => tf.oneHot(i as tf.Tensor1D, 4, 2, -1) },
  { kernel: 'Fill', inputs: [], fn: () => tf.fill([2, 3], 1.5) },
  { kernel: 'ExpandDims', inputs: [[2, 3]], fn: (x) => tf.expandDims(x, 1) },
  { kernel: 'ZerosLike', inputs: [[2, 3]], fn: (x) => tf.zerosLike(x) },
  { kernel: 'Identity', inputs: [[2, 3]], fn: (x) => tf.clone(x) },
  // The fused optimizer step against torch.optim.Adam's rule written with tfjs ops (AdamW here).
  {
    kernel: 'AugpriorAdamStep',
    inputs: [[3, 4], [3, 4], [3, 4], { shape: [3, 4], offset: 2.5 }],
    fn: (p, g, m, v) => {
      const attrs = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: true, step: 3 };
      if (tf.getBackend() === 'torch') return tf.engine().runKernel('AugpriorAdamStep', { param: p!, grad: g!, expAvg: m!, expAvgSq: tf.abs(v!) }, attrs as never) as tf.Tensor[];
      const decayed = tf.mul(p!, 1 - attrs.lr * attrs.weightDecay);
      const m2 = tf.add(tf.mul(m!, 0.9), tf.mul(g!, 0.1));
      const v2 = tf.add(tf.mul(tf.abs(v!), 0.999), tf.mul(tf.square(g!), 0.001));
      const denom = tf.add(tf.div(tf.sqrt(v2), Math.sqrt(1 - 0.999 ** 3)), 1e-8);
      return [tf.sub(decayed, tf.mul(tf.div(m2, denom), attrs.lr / (1 - 0.9 ** 3))), m2, v2];
    },
  },
  { kernel: 'OnesLike', inputs: [[2, 3]], fn: (x) => tf.onesLike(x) },
  // linear algebra, normalisation
  { kernel: 'BatchMatMul', inputs: [[2, 3, 4], [2, 5, 4]], fn: (a, b) => tf.matMul(a!, b!, false, true), grad: true },
  { kernel: '_FusedMatMul', inputs: [[3, 4], [4, 5], [5]], fn: (a, b, c) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: c, activation: 'relu' }), grad: true },
  { kernel: 'FusedBatchNorm', inputs: [x4, [3], { shape: [3], offset: 2 }, [3], [3]], fn: (x, m, v, o, s) => tf.batchNorm(x!, m!, v!, o!, s!, 1e-3), grad: true },
  // convolution and pooling: stride 2 'same' pads asymmetrically, the explicit case symmetrically
  { kernel: 'Conv2D', inputs: [[2, 7, 7, 3], [3, 3, 3, 4]], fn: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), grad: true },
  { kernel: 'Conv2D', name: 'explicit pad, dilation', inputs: [[2, 8, 8, 3], [3, 3, 3, 4]], fn: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, [[0, 0], [2, 2], [2, 2], [0, 0]], 'NHWC', 2) },
  { kernel: 'Conv2D', name: 'explicit pad 1 stride 2', inputs: [[2, 8, 8, 3], [3, 3, 3, 4]], fn: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]), grad: true },
  { kernel: 'FusedConv2D', inputs: [[2, 6, 6, 3], [3, 3, 3, 4], [4]], fn: (x, w, b) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'relu6' }) },
  { kernel: 'DepthwiseConv2dNative', inputs: [[2, 7, 7, 3], [3, 3, 3, 2]], fn: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), grad: true },
  { kernel: 'DepthwiseConv2dNative', name: 'explicit pad', inputs: [[2, 6, 6, 4], [3, 3, 4, 1]], fn: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]), grad: true },
  { kernel: 'FusedDepthwiseConv2D', inputs: [[2, 6, 6, 3], [3, 3, 3, 1], [3]], fn: (x, w, b) => tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'relu' }) },
  { kernel: 'Conv3D', inputs: [[1, 4, 6, 6, 2], [3, 3, 3, 2, 3]], fn: (x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, [1, 2, 2], 'same'), grad: true },
  { kernel: 'MaxPool', inputs: [[2, 7, 7, 3]], fn: (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'), grad: true },
  { kernel: 'AvgPool', inputs: [[2, 7, 7, 3]], fn: (x) => tf.avgPool(x as tf.Tensor4D, 3, 2, 'same'), grad: true },
  { kernel: 'AvgPool', name: 'valid', inputs: [[2, 8, 8, 3]], fn: (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), grad: true },
  { kernel: 'MaxPool3D', inputs: [[1, 4, 6, 6, 2]], fn: (x) => tf.maxPool3d(x as tf.Tensor5D, 2, 2, 'same'), grad: true },
  { kernel: 'AvgPool3D', inputs: [[1, 5, 6, 6, 2]], fn: (x) => tf.avgPool3d(x as tf.Tensor5D, [3, 2, 2], 2, 'same'), grad: true },
  { kernel: 'ResizeBilinear', inputs: [[1, 5, 6, 2]], fn: (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [9, 4], false, true) },
  { kernel: 'ResizeBilinear', name: 'align corners', inputs: [[1, 5, 6, 2]], fn: (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [9, 4], true) },
  { kernel: 'FlipLeftRight', inputs: [[2, 3, 4, 2]], fn: (x) => tf.image.flipLeftRight(x as tf.Tensor4D) },
];

function makeInputs(c: Case): tf.Tensor[] {
  return c.inputs.map((spec, i) => {
    const s = Array.isArray(spec) ? { shape: spec } : spec;
    const dtype = s.dtype ?? 'float32';
    const values = s.values ?? Array.from(wave(s.shape, i * 0.9, s.offset ?? 0));
    return tf.tensor(dtype === 'float32' ? values : values.map((v) => Math.trunc(v)), s.shape, dtype);
  });
}

async function evaluate(backend: string, c: Case): Promise<Array<{ values: number[]; dtype: string; shape: number[] }>> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const inputs = makeInputs(c);
    const out = c.fn(...inputs);
    const outs = (Array.isArray(out) ? out : [out]).map((t) => ({ values: Array.from(t.dataSync() as ArrayLike<number>), dtype: t.dtype, shape: t.shape }));
    if (c.grad) {
      const floatIdx = inputs.map((t, i) => (t.dtype === 'float32' ? i : -1)).filter((i) => i >= 0);
      const f = (...xs: tf.Tensor[]) => {
        const all = inputs.map((t, i) => (floatIdx.includes(i) ? xs[floatIdx.indexOf(i)]! : t));
        const y = c.fn(...all);
        return tf.sum(tf.square(Array.isArray(y) ? y[0]! : y));
      };
      for (const g of tf.grads(f)(floatIdx.map((i) => inputs[i]!))) outs.push({ values: Array.from(g.dataSync()), dtype: g.dtype, shape: g.shape });
    }
    return outs;
  });
}

function relativeError(actual: number[], expected: number[]): number {
  let scale = 1e-6;
  for (const v of expected) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  expected.forEach((e, i) => {
    const a = actual[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) worst = Math.max(worst, Object.is(a, e) || a === e ? 0 : Infinity);
    else worst = Math.max(worst, Math.abs(a - e) / scale);
  });
  return worst;
}

describe.skipIf(!built)('torch kernels match the cpu backend (values and gradients, 1e-4 relative)', () => {
  beforeAll(() => {
    registerTorchBackend({ threads: 2 });
  });

  it.each(CASES.map((c) => [`${c.kernel}${c.name ? ` (${c.name})` : ''}`, c] as const))('%s', async (_label, c) => {
    const reference = await evaluate('cpu', c);
    const before = fallbackKernels().length;
    const actual = await evaluate('torch', c);
    expect(actual.map((a) => [a.dtype, a.shape])).toEqual(reference.map((r) => [r.dtype, r.shape]));
    reference.forEach((r, k) => expect(relativeError(actual[k]!.values, r.values), `output ${k}`).toBeLessThan(1e-4));
    // A case must exercise its kernel natively, never through the cpu fallback.
    expect(fallbackKernels().slice(before).filter((f) => f.startsWith(c.kernel))).toEqual([]);
  });

  it('covers every natively implemented kernel with at least one case', () => {
    const covered = new Set(CASES.map((c) => c.kernel));
    // Exercised through the gradient checks above, or (batch norm) by core's torch-vs-cpu training test.
    const gradientOnly = ['Conv2DBackpropInput', 'Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2', 'MaxPoolGrad', 'AvgPoolGrad', 'MaxPool3DGrad', 'AvgPool3DGrad', 'AugpriorBatchNormTraining', 'AugpriorBatchNormTrainingGrad'];
    expect(Object.keys(ADAPTERS).filter((k) => !covered.has(k) && !gradientOnly.includes(k))).toEqual([]);
  });
});

// A skip, counted as skipped with its reason, never as a pass.
describe.skipIf(!built)('the native op table', () => {
  it('holds every op name the adapters call (the names live once, in the addon; kernels.ts only calls them)', () => {
    const { ops, elementwiseOps } = loadNative().addon.info();
    const source = readFileSync(new URL('./kernels.ts', import.meta.url), 'utf8');
    const called = new Set([...source.matchAll(/\b(?:run|runMany)\(b, '([a-z_0-9]+)'|\b(?:unary|binary)\('([a-z_0-9]+)'\)/g)].map((m) => m[1] ?? m[2]));
    expect(called.size).toBeGreaterThan(80);
    expect([...called].filter((name) => !ops.includes(name!))).toEqual([]);
    expect(new Set(ops).size).toBe(ops.length);
    expect(elementwiseOps.filter((name) => !ops.includes(name))).toEqual([]);
    // Scalars of these stay on the host on a GPU; a gradient or constructor must not be among them.
    expect(elementwiseOps).toEqual(expect.arrayContaining(['add', 'mul', 'sqrt', 'cast', 'clip', 'leaky_relu', 'identity']));
    expect(elementwiseOps).not.toContain('elu_grad');
    expect(elementwiseOps).not.toContain('conv');
  });
});

if (!built) it.skip(`torch kernels skipped: ${ADDON_PATH} is not built (no libtorch on this machine; "npm run setup" installs libtorch-dev)`, () => {});
