import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { maxAbs, maxRelativeError, useEngine, wave } from '../test-utils/backends.js';
import { createModel } from '../models/index.js';

type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;
interface ConvCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const CASES: ConvCase[] = [
  { name: '3x3 stride 1 same', x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3x3 stride 2 same (asymmetric pad)', x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { name: '3x3 stride 2 explicit torch-style pad 1', x: [2, 8, 8, 5], filter: [3, 3, 5, 6], strides: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { name: '2x3 stride (2,1) valid', x: [1, 7, 6, 2], filter: [2, 3, 2, 5], strides: [2, 1], pad: 'valid' },
  { name: '1x1 stride 2 (projection shortcut)', x: [3, 8, 8, 4], filter: [1, 1, 4, 8], strides: 2, pad: 'valid' },
  { name: '5x5 stride 1 same', x: [2, 10, 10, 3], filter: [5, 5, 3, 2], strides: 1, pad: 'same' },
];

async function convGrads(engine: 'cpu' | 'wasm', c: ConvCase, depthwise: boolean): Promise<Float32Array[]> {
  await useEngine(engine);
  return tf.tidy(() => {
    const x = tf.tensor4d(wave(c.x.reduce((a, b) => a * b, 1)), c.x);
    const filterShape: [number, number, number, number] = depthwise ? [c.filter[0], c.filter[1], c.x[3], 2] : c.filter;
    const w = tf.tensor4d(wave(filterShape.reduce((a, b) => a * b, 1), 1.3), filterShape);
    // A non-uniform upstream gradient: d(sum(y^2))/dy = 2y exercises every output position differently.
    const f = (xi: tf.Tensor, wi: tf.Tensor) =>
      tf.sum(tf.square(depthwise ? tf.depthwiseConv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, c.strides, c.pad) : tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, c.strides, c.pad)));
    return tf.grads(f)([x, w]).map((g) => g.dataSync() as Float32Array);
  });
}

describe('wasm gradient kernels match the cpu backend', () => {
  for (const c of CASES) {
    it(`conv2d ${c.name}: dX and dW within 1e-4 relative`, async () => {
      const reference = await convGrads('cpu', c, false);
      const actual = await convGrads('wasm', c, false);
      expect(maxRelativeError(actual[0]!, reference[0]!)).toBeLessThan(1e-4);
      expect(maxRelativeError(actual[1]!, reference[1]!)).toBeLessThan(1e-4);
    });
    it(`depthwise ${c.name} (multiplier 2): dX and dW within 1e-4 relative`, async () => {
      if (Array.isArray(c.strides) && c.strides[0] !== c.strides[1]) return; // tfjs depthwise needs equal strides
      const reference = await convGrads('cpu', c, true);
      const actual = await convGrads('wasm', c, true);
      expect(maxRelativeError(actual[0]!, reference[0]!)).toBeLessThan(1e-4);
      expect(maxRelativeError(actual[1]!, reference[1]!)).toBeLessThan(1e-4);
    });
  }

  it('leaks no tensors and no backend buffers', async () => {
    await useEngine('wasm');
    const x = tf.tensor4d(wave(2 * 8 * 8 * 3), [2, 8, 8, 3]);
    const w = tf.variable(tf.tensor4d(wave(3 * 3 * 3 * 4), [3, 3, 3, 4]));
    const dw = tf.variable(tf.tensor4d(wave(3 * 3 * 4 * 1), [3, 3, 4, 1]));
    const run = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.depthwiseConv2d(tf.conv2d(x, w, 2, 'same'), dw as tf.Tensor4D, 1, 'same')), [w, dw]);
      tf.dispose([value, ...Object.values(grads)]);
    };
    run();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) run();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    tf.dispose([x, w, dw]);
  });

  for (const arch of ['resnet8', 'mobilenet_cifar_small', 'wrn_16_1']) {
    // Tolerance is relative to each gradient's scale, floored at 1% of the model's largest
    // gradient: a BN scale feeding another BN has an exactly-zero gradient, so its float32
    // noise (~1e-6 absolute against O(10) gradients elsewhere) would otherwise count as a 100%
    // error. The per-kernel tests above hold 1e-4 of each tensor's own scale.
    it(`${arch}: every parameter gradient on wasm equals cpu within 1e-4 relative`, async () => {
      const grads = async (engine: 'cpu' | 'wasm') => {
        await useEngine(engine);
        const model = createModel(arch, { numClasses: 5 }, 3);
        const x = tf.tensor4d(wave(4 * 16 * 16 * 3, 0.2), [4, 16, 16, 3]);
        const params = model.namedParameters();
        const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.square(model.forward(x, { training: true }))) as tf.Scalar, params.map(([, v]) => v));
        const out = new Map(params.map(([name, v]) => [name, g[v.name]!.dataSync() as Float32Array]));
        tf.dispose([x, value, ...Object.values(g)]);
        model.dispose();
        return out;
      };
      const reference = await grads('cpu');
      const actual = await grads('wasm');
      const floor = 1e-2 * maxAbs(reference.values());
      for (const [name, ref] of reference) expect(maxRelativeError(actual.get(name)!, ref, floor), name).toBeLessThan(1e-4);
    });
  }
});
