/**
 * Layers in NHWC with PyTorch semantics where the two differ: explicit symmetric padding (so a
 * stride-2 3x3 conv pads 1 on every side, as torch does, not TF's asymmetric 'same'), batch-norm
 * momentum 0.1 with an unbiased running variance, eps 1e-5.
 */
import { tf, type Tensor, type Variable } from '../tf.js';
import type { Rng } from '../rng.js';
import { batchNormTraining, type BatchStatistics } from './batch-norm-training.js';
import { kaimingNormal, uniformFanIn } from './init.js';
import { Module, type ForwardOptions } from './module.js';

type Explicit = tf.backend_util.ExplicitPadding;

/** A size for both spatial axes, or [height, width] (rectangular kernels over spectrograms). */
export type Size2 = number | readonly [number, number];
const pair = (v: Size2): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

function explicitPadding(padding: Size2): Explicit {
  const [h, w] = pair(padding);
  return [
    [0, 0],
    [h, h],
    [w, w],
    [0, 0],
  ];
}

export interface Conv2dOptions {
  stride?: Size2;
  padding?: Size2;
  bias?: boolean;
}

export class Conv2d extends Module {
  readonly weight: Variable; // [kh, kw, in, out]
  readonly bias: Variable | undefined;
  private readonly stride: [number, number];
  private readonly padding: Explicit | 'valid';

  constructor(rng: Rng, inChannels: number, outChannels: number, kernelSize: Size2, options: Conv2dOptions = {}) {
    super();
    this.stride = pair(options.stride ?? 1);
    const padding = pair(options.padding ?? 0);
    this.padding = padding[0] === 0 && padding[1] === 0 ? 'valid' : explicitPadding(padding);
    const [kh, kw] = pair(kernelSize);
    const fanIn = inChannels * kh * kw;
    this.weight = this.addParameter('weight', kaimingNormal(rng, [kh, kw, inChannels, outChannels], fanIn));
    this.bias = options.bias ? this.addParameter('bias', tf.zeros([outChannels])) : undefined;
  }

  forward(x: Tensor): Tensor {
    return tf.tidy(() => {
      const y = tf.conv2d(x as tf.Tensor4D, this.weight as tf.Tensor4D, this.stride, this.padding);
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}

export class DepthwiseConv2d extends Module {
  readonly weight: Variable; // [kh, kw, channels, 1]
  private readonly stride: number;
  private readonly padding: Explicit | 'valid';

  constructor(rng: Rng, channels: number, kernelSize: number, options: { stride?: number; padding?: number } = {}) {
    super();
    this.stride = options.stride ?? 1;
    const padding = options.padding ?? 0;
    this.padding = padding === 0 ? 'valid' : explicitPadding(padding);
    this.weight = this.addParameter('weight', kaimingNormal(rng, [kernelSize, kernelSize, channels, 1], kernelSize * kernelSize));
  }

  forward(x: Tensor): Tensor {
    return tf.depthwiseConv2d(x as tf.Tensor4D, this.weight as tf.Tensor4D, this.stride, this.padding);
  }
}

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch statistic in the running average (PyTorch's convention). */
  momentum?: number;
}

export class BatchNorm2d extends Module {
  readonly weight: Variable;
  readonly bias: Variable;
  readonly runningMean: Variable;
  readonly runningVar: Variable;
  private readonly eps: number;
  private readonly defaultMomentum: number;
  private momentum: number;

  constructor(channels: number, options: BatchNormOptions = {}) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.defaultMomentum = options.momentum ?? 0.1;
    this.momentum = this.defaultMomentum;
    this.weight = this.addParameter('weight', tf.ones([channels]));
    this.bias = this.addParameter('bias', tf.zeros([channels]));
    this.runningMean = this.addBuffer('running_mean', tf.zeros([channels]));
    this.runningVar = this.addBuffer('running_var', tf.ones([channels]));
  }

  /** Another running-average weight until reset with undefined (BN recalibration uses 1/k). */
  setMomentum(momentum: number | undefined): void {
    this.momentum = momentum ?? this.defaultMomentum;
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    if (!options.training) {
      return tf.batchNorm(x, this.runningMean, this.runningVar, this.bias, this.weight, this.eps);
    }
    let batch: BatchStatistics | undefined;
    const y = batchNormTraining(x, this.weight, this.bias, this.eps, (s) => (batch = s));
    // Running stats are a side effect off the path to the loss; torch stores the unbiased variance.
    const { mean, variance } = batch!;
    tf.tidy(() => {
      const count = x.size / (x.shape[x.shape.length - 1] ?? 1);
      const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - this.momentum), tf.mul(mean, this.momentum)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - this.momentum), tf.mul(unbiased, this.momentum)));
    });
    tf.dispose([mean, variance]);
    return y;
  }
}

export class Linear extends Module {
  readonly weight: Variable; // [in, out]
  readonly bias: Variable;

  constructor(rng: Rng, inFeatures: number, outFeatures: number) {
    super();
    this.weight = this.addParameter('weight', kaimingNormal(rng, [inFeatures, outFeatures], inFeatures, 1));
    this.bias = this.addParameter('bias', uniformFanIn(rng, [outFeatures], inFeatures));
  }

  forward(x: Tensor): Tensor {
    return tf.add(tf.matMul(x as tf.Tensor2D, this.weight as tf.Tensor2D), this.bias);
  }
}

/** Mean over the spatial axes: [n, h, w, c] -> [n, c]. */
export function globalAvgPool(x: Tensor): Tensor {
  return tf.mean(x, [1, 2]);
}
