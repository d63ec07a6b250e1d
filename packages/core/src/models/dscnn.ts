/**
 * DS-CNN for keyword spotting (Zhang et al. 2017, "Hello Edge"; the MLPerf Tiny KWS reference):
 * a 10x4 stride-2 convolution over [time, frequency], four depthwise-separable blocks, global
 * average pooling, a linear classifier. The reference's dropout is left out: the students here
 * train on endlessly augmented single-source data. Input: one-channel spectrograms of any size.
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng.js';
import { BatchNorm2d, Conv2d, DepthwiseConv2d, Linear, globalAvgPool } from '../nn/layers.js';
import { Module, Sequential, type ForwardOptions } from '../nn/module.js';
import { Classifier, type ModelArgs, type ModelEntry } from './classifier.js';

class SeparableBlock extends Module {
  private readonly depthwise: DepthwiseConv2d;
  private readonly bn1: BatchNorm2d;
  private readonly pointwise: Conv2d;
  private readonly bn2: BatchNorm2d;

  constructor(rng: Rng, channels: number) {
    super();
    this.depthwise = this.addModule('depthwise', new DepthwiseConv2d(rng, channels, 3, { padding: 1 }));
    this.bn1 = this.addModule('bn1', new BatchNorm2d(channels));
    this.pointwise = this.addModule('pointwise', new Conv2d(rng, channels, channels, 1));
    this.bn2 = this.addModule('bn2', new BatchNorm2d(channels));
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => {
      const y = tf.relu(this.bn1.forward(this.depthwise.forward(x), options));
      return tf.relu(this.bn2.forward(this.pointwise.forward(y), options));
    });
  }
}

export class DsCnn extends Classifier {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly blocks: Sequential;
  private readonly linear: Linear;

  constructor(arch: string, rng: Rng, width: number, depth: number, args: ModelArgs) {
    super(arch, args.numClasses);
    // 10 x 4 over (time, frequency) with stride 2: pad (5, 1) keeps the reference's 'same' output size.
    this.conv1 = this.addModule('conv1', new Conv2d(rng, args.inChannels ?? 3, width, [10, 4], { stride: 2, padding: [5, 1] }));
    this.bn1 = this.addModule('bn1', new BatchNorm2d(width));
    this.blocks = this.addModule('blocks', new Sequential(Array.from({ length: depth }, () => new SeparableBlock(rng, width))));
    this.linear = this.addModule('linear', new Linear(rng, width, args.numClasses));
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => {
      const stem = tf.relu(this.bn1.forward(this.conv1.forward(x), options));
      return this.linear.forward(globalAvgPool(this.blocks.forward(stem, options)));
    });
  }
}

export const DSCNN_MODELS: Array<[string, ModelEntry]> = [
  ['dscnn', { description: 'DS-CNN (MLPerf Tiny KWS): 64 channels, 4 separable blocks, for [time, mel, 1] spectrograms', nativeInput: [98, 40, 1], create: (args, rng) => new DsCnn('dscnn', rng, 64, 4, args) }],
  ['dscnn_m', { description: 'DS-CNN-M (Hello Edge): 172 channels, 5 separable blocks', nativeInput: [98, 40, 1], create: (args, rng) => new DsCnn('dscnn_m', rng, 172, 5, args) }],
  ['dscnn_l', { description: 'DS-CNN-L (Hello Edge): 276 channels, 5 separable blocks', nativeInput: [98, 40, 1], create: (args, rng) => new DsCnn('dscnn_l', rng, 276, 5, args) }],
];
