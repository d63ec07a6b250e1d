/**
 * R(2+1)D (Tran et al. 2018) for clips [n, T, H, W, C]: every 3D convolution is factored into a
 * spatial k x k convolution and a temporal kt x 1 x 1 one. Both run as 2D convolutions on reshaped
 * tensors (frames folded into the batch for the spatial one, H x W folded into one axis for the
 * temporal one), so the model trains on every engine that trains 2D convnets, wasm included,
 * without Conv3D kernels. Sizes are for a CPU: `r2plus1d_tiny` has ~80k parameters.
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng.js';
import { BatchNorm2d, Conv2d, Linear } from '../nn/layers.js';
import { Module, Sequential, type ForwardOptions } from '../nn/module.js';
import { Classifier, type ModelArgs, type ModelEntry } from './classifier.js';

type Shape5 = [number, number, number, number, number];
const shape5 = (x: Tensor) => x.shape as Shape5;

/** k x k over (H, W) of every frame. */
class SpatialConv extends Module {
  private readonly conv: Conv2d;
  constructor(rng: Rng, inC: number, outC: number, k: number, stride: number) {
    super();
    this.conv = this.addModule('conv', new Conv2d(rng, inC, outC, k, { stride, padding: (k - 1) / 2 }));
  }
  forward(x: Tensor): Tensor {
    return tf.tidy(() => {
      const [n, T, H, W, C] = shape5(x);
      const y = this.conv.forward(tf.reshape(x, [n * T, H, W, C]));
      const [, h, w, c] = y.shape as [number, number, number, number];
      return tf.reshape(y, [n, T, h, w, c]);
    });
  }
}

/** kt x 1 x 1 over time at every pixel. */
class TemporalConv extends Module {
  private readonly conv: Conv2d;
  constructor(rng: Rng, inC: number, outC: number, kt: number, stride: number) {
    super();
    this.conv = this.addModule('conv', new Conv2d(rng, inC, outC, [kt, 1], { stride: [stride, 1], padding: [(kt - 1) / 2, 0] }));
  }
  forward(x: Tensor): Tensor {
    return tf.tidy(() => {
      const [n, T, H, W, C] = shape5(x);
      const y = this.conv.forward(tf.reshape(x, [n, T, H * W, C]));
      const [, t, , c] = y.shape as [number, number, number, number];
      return tf.reshape(y, [n, t, H, W, c]);
    });
  }
}

/** Batch norm over (n, T, H, W) per channel. */
class BatchNorm3d extends Module {
  private readonly bn: BatchNorm2d;
  constructor(channels: number) {
    super();
    this.bn = this.addModule('bn', new BatchNorm2d(channels));
  }
  forward(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => {
      const [n, T, H, W, C] = shape5(x);
      return tf.reshape(this.bn.forward(tf.reshape(x, [n * T, H, W, C]), options), [n, T, H, W, C]);
    });
  }
}

/** spatial -> BN -> ReLU -> temporal: one factored 3D convolution. */
class Conv2Plus1d extends Module {
  private readonly spatial: SpatialConv;
  private readonly bnMid: BatchNorm3d;
  private readonly temporal: TemporalConv;
  constructor(rng: Rng, inC: number, outC: number, stride: number, temporalStride: number) {
    super();
    // The mid width keeps the parameter count of the full 3x3x3 convolution (the paper's M_i).
    const mid = Math.max(8, Math.floor((27 * inC * outC) / (9 * inC + 3 * outC)));
    this.spatial = this.addModule('spatial', new SpatialConv(rng, inC, mid, 3, stride));
    this.bnMid = this.addModule('bn_mid', new BatchNorm3d(mid));
    this.temporal = this.addModule('temporal', new TemporalConv(rng, mid, outC, 3, temporalStride));
  }
  forward(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => this.temporal.forward(tf.relu(this.bnMid.forward(this.spatial.forward(x), options))));
  }
}

class ResidualBlock extends Module {
  private readonly conv1: Conv2Plus1d;
  private readonly bn1: BatchNorm3d;
  private readonly conv2: Conv2Plus1d;
  private readonly bn2: BatchNorm3d;
  private readonly shortcut: { conv: SpatialConv; temporal: TemporalConv; bn: BatchNorm3d } | undefined;

  constructor(rng: Rng, inC: number, outC: number, stride: number, temporalStride: number) {
    super();
    this.conv1 = this.addModule('conv1', new Conv2Plus1d(rng, inC, outC, stride, temporalStride));
    this.bn1 = this.addModule('bn1', new BatchNorm3d(outC));
    this.conv2 = this.addModule('conv2', new Conv2Plus1d(rng, outC, outC, 1, 1));
    this.bn2 = this.addModule('bn2', new BatchNorm3d(outC));
    if (stride !== 1 || temporalStride !== 1 || inC !== outC) {
      this.shortcut = {
        conv: this.addModule('shortcut_spatial', new SpatialConv(rng, inC, outC, 1, stride)),
        temporal: this.addModule('shortcut_temporal', new TemporalConv(rng, outC, outC, 1, temporalStride)),
        bn: this.addModule('shortcut_bn', new BatchNorm3d(outC)),
      };
    }
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => {
      const y = this.bn2.forward(this.conv2.forward(tf.relu(this.bn1.forward(this.conv1.forward(x, options), options)), options), options);
      const skip = this.shortcut ? this.shortcut.bn.forward(this.shortcut.temporal.forward(this.shortcut.conv.forward(x)), options) : x;
      return tf.relu(tf.add(y, skip));
    });
  }
}

export class R2Plus1d extends Classifier {
  private readonly stem: Conv2Plus1d;
  private readonly bnStem: BatchNorm3d;
  private readonly stages: Sequential;
  private readonly linear: Linear;

  constructor(arch: string, rng: Rng, widths: number[], args: ModelArgs) {
    super(arch, args.numClasses);
    this.stem = this.addModule('stem', new Conv2Plus1d(rng, args.inChannels ?? 3, widths[0]!, 2, 1));
    this.bnStem = this.addModule('bn_stem', new BatchNorm3d(widths[0]!));
    this.stages = this.addModule('stages', new Sequential(widths.map((w, i) => new ResidualBlock(rng, i === 0 ? widths[0]! : widths[i - 1]!, w, i === 0 ? 1 : 2, i === 0 ? 1 : 2))));
    this.linear = this.addModule('linear', new Linear(rng, widths[widths.length - 1]!, args.numClasses));
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    if (x.rank !== 5) throw new Error(`${this.arch} takes clips [n, frames, height, width, channels], got rank ${x.rank}`);
    return tf.tidy(() => {
      const stem = tf.relu(this.bnStem.forward(this.stem.forward(x, options), options));
      return this.linear.forward(tf.mean(this.stages.forward(stem, options), [1, 2, 3]));
    });
  }
}

export const VIDEO_MODELS: Array<[string, ModelEntry]> = [
  ['r2plus1d_tiny', { description: 'R(2+1)D, 3 residual stages of 16/32/64 channels, for clips of 8 x 64 x 64', nativeInput: [8, 64, 64, 3], create: (args, rng) => new R2Plus1d('r2plus1d_tiny', rng, [16, 32, 64], args) }],
  ['r2plus1d_small', { description: 'R(2+1)D, 4 residual stages of 32/64/128/256 channels, for clips of 16 x 112 x 112', nativeInput: [16, 112, 112, 3], create: (args, rng) => new R2Plus1d('r2plus1d_small', rng, [32, 64, 128, 256], args) }],
];
