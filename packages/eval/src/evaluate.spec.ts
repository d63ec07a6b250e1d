import { selectEngine, syntheticShapesTestSet, tf } from '@augprior/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateClassifier, scalarMetrics } from './evaluate.js';

beforeAll(async () => {
  await selectEngine({ backend: 'cpu' });
});

const dataset = syntheticShapesTestSet({ numClasses: 4, imageSize: 8, noise: 0, count: 50, datasetSeed: 3 });

describe('evaluateClassifier', () => {
  it('scores an oracle at 100% and a constant predictor at its class frequency, in any batch size', async () => {
    const labels: number[] = [];
    for await (const b of dataset.batches(7)) {
      labels.push(...Array.from(b.y.dataSync()));
      tf.dispose([b.x, b.y]);
    }
    let seen = 0;
    const oracle = (x: tf.Tensor) => {
      const n = x.shape[0]!;
      const out = tf.oneHot(tf.tensor1d(labels.slice(seen, seen + n), 'int32'), 4);
      seen += n;
      return out;
    };
    expect((await evaluateClassifier(oracle, dataset, { batchSize: 16 })).top1).toBe(1);
    const constant = (x: tf.Tensor) => tf.oneHot(tf.fill([x.shape[0]!], 2, 'int32') as tf.Tensor1D, 4);
    const result = await evaluateClassifier(constant, dataset, { batchSize: 13 });
    expect(result.top1).toBeCloseTo(labels.filter((l) => l === 2).length / 50);
    expect(result.count).toBe(50);
  });
  it('leaks no tensors and names a class-count mismatch', async () => {
    const before = tf.memory().numTensors;
    await evaluateClassifier((x) => tf.zeros([x.shape[0]!, 4]), dataset, { batchSize: 16 });
    expect(tf.memory().numTensors).toBe(before);
    await expect(evaluateClassifier((x) => tf.zeros([x.shape[0]!, 10]), dataset)).rejects.toThrow(/predicts 10 classes but synthetic_shapes test .* has 4/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('scalarMetrics', () => {
  it('adds the class-balanced accuracy over the classes that have samples', () => {
    const result = { count: 4, top1: 0.75, perClassAccuracy: [1, 0.5, Number.NaN], confusion: [], seconds: 1, samplesPerSecond: 4 };
    expect(scalarMetrics(result)).toEqual({ top1: 0.75, count: 4, samplesPerSecond: 4, balancedAccuracy: 0.75 });
    expect(scalarMetrics({ ...result, perClassAccuracy: [1, 0, 0.5] })['balancedAccuracy']).toBeCloseTo(0.5);
  });
});
