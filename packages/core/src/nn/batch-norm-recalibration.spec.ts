import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { tf, type Tensor } from '../tf.js';
import { recalibrateBatchNorm } from './batch-norm-recalibration.js';
import { BatchNorm2d, Conv2d } from './layers.js';
import { Module, type ForwardOptions } from './module.js';

class ConvBn extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  constructor() {
    super();
    this.conv = this.addModule('conv', new Conv2d(Rng.fromSeed(1), 2, 3, 3));
    this.bn = this.addModule('bn', new BatchNorm2d(3));
  }
  forward(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => this.bn.forward(this.conv.forward(x), options));
  }
}

const batches = (k: number, seed: number) => Array.from({ length: k }, (_, i) => tf.tidy(() => tf.add(tf.randomNormal([4, 5, 5, 2], 0, 1 + i, 'float32', seed + i), i)));

describe('recalibrateBatchNorm', () => {
  it('sets every running mean and variance to the plain average of the batches\' statistics, then restores the momentum', async () => {
    const model = new ConvBn();
    expect(model.modules().map((m) => m.constructor.name)).toEqual(['ConvBn', 'Conv2d', 'BatchNorm2d']);
    const inputs = batches(3, 10);
    const stats = inputs.map((x) =>
      tf.tidy(() => {
        const y = model.conv.forward(x);
        const { mean, variance } = tf.moments(y, [0, 1, 2]);
        const count = y.size / 3;
        return [Array.from(mean.dataSync()), Array.from(tf.mul(variance, count / (count - 1)).dataSync())];
      }),
    );
    const before = tf.memory().numTensors;
    expect(await recalibrateBatchNorm(model, inputs)).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    const meanOf = (which: 0 | 1, c: number) => stats.reduce((sum, s) => sum + s[which]![c]!, 0) / stats.length;
    const runningMean = model.bn.runningMean.dataSync();
    const runningVar = model.bn.runningVar.dataSync();
    for (let c = 0; c < 3; c++) {
      expect(runningMean[c]).toBeCloseTo(meanOf(0, c), 4);
      expect(runningVar[c]).toBeCloseTo(meanOf(1, c), 3);
    }
    // Training afterwards uses momentum 0.1 again: one more batch moves the mean by a tenth of the gap.
    const extra = inputs[0]!;
    const batchMean = stats[0]![0]![0]!;
    const prior = runningMean[0]!;
    tf.tidy(() => { model.forward(extra, { training: true }); });
    expect(model.bn.runningMean.dataSync()[0]).toBeCloseTo(0.9 * prior + 0.1 * batchMean, 4);
    tf.dispose(inputs);
    model.dispose();
  });

  it('does nothing to a model without batch norm or with no inputs', async () => {
    const model = new ConvBn();
    const mean = Array.from(model.bn.runningMean.dataSync());
    expect(await recalibrateBatchNorm(model, [])).toBe(0);
    expect(Array.from(model.bn.runningMean.dataSync())).toEqual(mean);
    const conv = new Conv2d(Rng.fromSeed(2), 2, 2, 1);
    const one = batches(1, 3);
    expect(await recalibrateBatchNorm(conv, one)).toBe(0);
    tf.dispose(one);
    model.dispose();
    conv.dispose();
  });
});
