import { describe, expect, it } from 'vitest';
import { tf } from '@augprior/core';
import { layersFeatureMap } from './tfjs-layers.js';

describe('feature map of a TF.js layers model', () => {
  it('is the last spatial layer before pooling, shares its weights, and is absent without one', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'last_spatial' }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.reshape({ targetShape: [1, 1, 5] }),
        tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'preds_1x1' }), // 4-D but 1x1: not a feature map
        tf.layers.flatten(),
      ],
    });
    const features = layersFeatureMap(model)!;
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1);
    const map = features.predict(x) as tf.Tensor;
    expect(map.shape).toEqual([2, 4, 4, 5]);
    // Pooling the map and applying the head gives the full model's output: the same weights.
    const head = tf.tidy(() => {
      const pooled = tf.mean(map, [1, 2]).reshape([2, 1, 1, 5]);
      return (model.getLayer('preds_1x1').apply(pooled) as tf.Tensor).reshape([2, 2]);
    });
    const full = model.predict(x) as tf.Tensor;
    const [a, b] = [head.dataSync(), full.dataSync()];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
    tf.dispose([x, map, head, full]);
    model.dispose();

    // A capped activation (MobileNet's ReLU6) as the last spatial layer: its input is taken.
    const capped = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, padding: 'same', name: 'pre' }),
        tf.layers.activation({ activation: 'relu6', name: 'relu6' }),
        tf.layers.globalAveragePooling2d({}),
      ],
    });
    const y = tf.randomUniform([1, 8, 8, 3], -5, 5, 'float32', 2);
    const pre = layersFeatureMap(capped)!.predict(y) as tf.Tensor;
    const direct = tf.tidy(() => capped.getLayer('pre').apply(y) as tf.Tensor);
    expect(pre.shape).toEqual([1, 8, 8, 4]);
    pre.dataSync().forEach((v, i) => expect(v).toBeCloseTo(direct.dataSync()[i]!, 5));
    tf.dispose([y, pre, direct]);
    capped.dispose();

    const dense = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 })] });
    expect(layersFeatureMap(dense)).toBeUndefined();
    dense.dispose();
  });
});
