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

describe('evaluateClassifier refuses results that would be wrong', () => {
  it('refuses NaN/Inf logits with a named error and the count, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    // The first 5 rows of every batch of 16 are NaN (5 + 5 + 5 + 2 of 50). NaN argmax is class 0,
    // so such a model used to score those samples as class 0.
    const broken = (x: tf.Tensor) => tf.tidy(() => tf.concat([tf.fill([Math.min(5, x.shape[0]!), 4], NaN), tf.zeros([Math.max(0, x.shape[0]! - 5), 4])]));
    await expect(evaluateClassifier(broken, dataset, { batchSize: 16, model: 'teacher t' })).rejects.toThrow(
      expect.objectContaining({ code: 'eval.non-finite', message: expect.stringMatching(/teacher t produced non-finite logits \(NaN\/Inf\) for 17 of 50 samples/) }),
    );
    await expect(evaluateClassifier((x) => tf.fill([x.shape[0]!, 4], Infinity), dataset)).rejects.toThrow(/for 50 of 50 samples/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses an empty evaluation', async () => {
    const empty = { ...dataset, description: 'nothing', size: 0, async *batches() {} };
    await expect(evaluateClassifier((x) => tf.zeros([x.shape[0]!, 4]), empty)).rejects.toThrow(expect.objectContaining({ code: 'eval.empty' }));
  });

  it('compares class names where both sides have them', async () => {
    const named = { ...dataset, classNames: ['cat', 'dog', 'sea_lion', 'ship'], batches: dataset.batches.bind(dataset) };
    const zeros = (x: tf.Tensor) => tf.zeros([x.shape[0]!, 4]);
    await expect(evaluateClassifier(zeros, named, { classNames: ['Cat', 'dog', 'Sea lion', 'ship'] })).resolves.toMatchObject({ count: 50 });
    // A name that lists synonyms matches any of them (ImageNet labels: "tench, Tinca tinca" = "tench").
    await expect(evaluateClassifier(zeros, named, { classNames: ['cat, Felis catus', 'dog', 'sea-lion', 'ship, boat'] })).resolves.toMatchObject({ count: 50 });
    await expect(evaluateClassifier(zeros, named, { classNames: ['dog', 'cat', 'sea_lion', 'ship'], model: 'teacher t' })).rejects.toThrow(
      expect.objectContaining({ code: 'eval.class-names', message: expect.stringMatching(/disagree on 2 of 4 class names: #0 "dog" vs "cat", #1 "cat" vs "dog"/), hint: expect.stringMatching(/another order/) }),
    );
    await expect(evaluateClassifier(zeros, named, { classNames: ['a', 'b', 'c'] })).rejects.toThrow(/names 3 classes but .* has 4/);
  });

  it('always reports a point estimate inside its interval', async () => {
    // A constant predictor on a skewed subset: resamples of a single predicted class.
    const result = await evaluateClassifier((x) => tf.oneHot(tf.fill([x.shape[0]!], 1, 'int32') as tf.Tensor1D, 4), dataset, { bootstrap: { resamples: 20 } });
    for (const name of ['top1', 'balancedAccuracy', 'macroF1'] as const) {
      const point = result[name];
      const interval = result.intervals![name]!;
      expect(interval.low, name).toBeLessThanOrEqual(point);
      expect(interval.high, name).toBeGreaterThanOrEqual(point);
    }
  });
});

describe('scalarMetrics', () => {
  it('flattens the figures and their intervals for metrics.jsonl, leaving out undefined ones', () => {
    const result = {
      count: 4,
      top1: 0.75,
      balancedAccuracy: 0.75,
      macroF1: Number.NaN,
      perClassF1: [],
      ece: 0.1,
      perClassAccuracy: [1, 0.5, Number.NaN],
      confusion: [],
      intervals: { top1: { low: 0.5, high: 1 }, macroF1: { low: Number.NaN, high: Number.NaN } },
      seconds: 1,
      samplesPerSecond: 4,
    };
    expect(scalarMetrics(result)).toEqual({ top1: 0.75, count: 4, samplesPerSecond: 4, balancedAccuracy: 0.75, ece: 0.1, top1Low: 0.5, top1High: 1 });
  });
});

describe('multi-view evaluation', () => {
  it('averages softmax over each sample\'s views', async () => {
    const { averageViews } = await import('./evaluate.js');
    // Two views of one sample: view 1 confident in class 0, view 2 mildly in class 1.
    const out = averageViews(Float32Array.from([4, 0, 0, 1]), 2, 2);
    const p0 = (1 / (1 + Math.exp(-4)) + 1 / (1 + Math.exp(1))) / 2;
    expect(Math.exp(out[0]!)).toBeCloseTo(p0, 6);
    expect(Math.exp(out[0]!) + Math.exp(out[1]!)).toBeCloseTo(1, 6);
  });

  it('scores a dataset whose batches carry several views per label', async () => {
    const set = {
      description: 'views',
      size: 2,
      numClasses: 2,
      async *batches() {
        // Sample 0 (label 0): views say 0, 0, 1; sample 1 (label 1): views say 0, 1, 1.
        yield { x: tf.tensor2d([[1, 0], [1, 0], [0, 1], [1, 0], [0, 1], [0, 1]]), y: tf.tensor1d([0, 1], 'int32'), views: 3 };
      },
    };
    const result = await evaluateClassifier((x) => tf.mul(x, 5), set);
    expect(result.count).toBe(2);
    expect(result.top1).toBe(1);
  });
});
