import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { useEngine, wave } from '../test-utils/backends.js';
import { createModel, models, optionAShortcut } from './index.js';

beforeAll(() => useEngine('wasm'));

describe.each(models.list())('model %s', (arch) => {
  it('maps [n, 8, 8, 3] (clip models: [n, 4, 8, 8, 3]) to finite logits, gives every parameter a finite gradient, leaks nothing', () => {
    const before = tf.memory().numTensors;
    const model = createModel(arch, { numClasses: 7 }, 1);
    const clips = models.get(arch).nativeInput.length === 4;
    const x = clips ? tf.tensor5d(wave(2 * 4 * 8 * 8 * 3), [2, 4, 8, 8, 3]) : tf.tensor4d(wave(2 * 8 * 8 * 3), [2, 8, 8, 3]);
    const params = model.namedParameters();
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.forward(x, { training: true }))) as tf.Scalar, params.map(([, v]) => v));
    const logits = model.forward(x, { training: false });
    expect(logits.shape).toEqual([2, 7]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const [name, v] of params) {
      const g = grads[v.name];
      expect(g, `gradient for ${name}`).toBeDefined();
      expect(Array.from(g!.dataSync()).every(Number.isFinite), name).toBe(true);
    }
    tf.dispose([x, value, logits, ...Object.values(grads)]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('draws identical initial weights from the same seed and different ones from another', () => {
    const a = createModel(arch, { numClasses: 3 }, 5);
    const b = createModel(arch, { numClasses: 3 }, 5);
    const c = createModel(arch, { numClasses: 3 }, 6);
    const first = (m: typeof a) => m.namedParameters()[0]![1].dataSync().slice(0, 16);
    expect(Array.from(first(a))).toEqual(Array.from(first(b)));
    expect(Array.from(first(a))).not.toEqual(Array.from(first(c)));
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('layer ids follow the PyTorch reference code', () => {
  it('resnet20 has akamaster state_dict names (minus num_batches_tracked)', () => {
    const m = createModel('resnet20', { numClasses: 10 }, 0);
    const names = [...m.stateDict().keys()];
    expect(names).toContain('conv1.weight');
    expect(names).toContain('layer3.2.bn2.running_var');
    expect(names).toContain('linear.bias');
    // conv1 + bn1(4) + 9 blocks x (2 conv + 2 bn x 4) + linear(2)
    expect(names).toHaveLength(1 + 4 + 9 * (2 + 8) + 2);
    expect(m.parameterCount()).toBe(269_722); // akamaster's resnet.py test() prints 269722 for resnet20
    m.dispose();
  });
  it('wrn_40_4 has xternalz names and 8.95M parameters', () => {
    const m = createModel('wrn_40_4', { numClasses: 10 }, 0);
    const names = [...m.stateDict().keys()];
    expect(names).toContain('block1.layer.0.convShortcut.weight');
    expect(names).toContain('block3.layer.5.conv2.weight');
    expect(names).toContain('fc.weight');
    // conv1 432 + block1 417,184 + block2 1,706,880 + block3 6,821,632 + bn 512 + fc 2,570
    expect(m.parameterCount()).toBe(8_949_210);
    m.dispose();
  });
});

describe('optionAShortcut', () => {
  it('takes every second pixel from (0,0) and zero-pads channels on both sides', () => {
    const x = tf.tensor4d([...Array(1 * 4 * 4 * 2).keys()], [1, 4, 4, 2]);
    const y = optionAShortcut(x, 1);
    expect(y.shape).toEqual([1, 2, 2, 4]);
    // pixel (0,0) channels [0,1] -> [0, 0, 1, 0]; pixel (0,2) -> [4, 5]; pixel (2,0) -> [16, 17]
    expect(Array.from(y.dataSync())).toEqual([0, 0, 1, 0, 0, 4, 5, 0, 0, 16, 17, 0, 0, 20, 21, 0]);
  });
  it('keeps ceil(size/2) samples on odd sizes, like x[:, :, ::2, ::2]', () => {
    expect(optionAShortcut(tf.zeros([1, 5, 5, 2]), 1).shape).toEqual([1, 3, 3, 4]);
  });
});

describe('feature maps', () => {
  it('featureMap is the map forward pools (resnet, wide resnet, mobilenet)', () => {
    for (const arch of ['resnet8', 'wrn_16_1', 'mobilenet_cifar_small']) {
      const model = createModel(arch, { numClasses: 4 }, 0);
      tf.tidy(() => {
        const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1);
        const map = model.featureMap!(x, { training: false });
        expect(map.shape.length, arch).toBe(4);
        expect(map.shape[0]).toBe(2);
        // The head is global average pooling then a linear layer: its input width is the map's channel count.
        const head = model.namedParameters().find(([name]) => /(linear|fc)\.weight$/.test(name));
        expect(head, arch).toBeDefined();
        expect(head![1].shape, arch).toContain(map.shape[3]);
        expect(model.forward(x, { training: false }).shape).toEqual([2, 4]);
      });
      model.dispose();
    }
  });
});
