/**
 * MobileNet v1 (Howard et al. 2017) for small inputs: the first conv keeps stride 1, as in
 * kuangliu/pytorch-cifar `models/mobilenet.py`, whose member names (`layers.3.conv1` depthwise,
 * `conv2` pointwise) are used. `mobilenet_cifar_small` halves the widths and stops at 512
 * channels: a student small enough to train on a laptop CPU and for depthwise-conv coverage.
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng.js';
import { BatchNorm2d, Conv2d, DepthwiseConv2d, Linear, globalAvgPool } from '../nn/layers.js';
import { Module, Sequential, type ForwardOptions } from '../nn/module.js';
import { Classifier, type ModelArgs, type ModelEntry } from './classifier.js';

class SeparableBlock extends Module {
  private readonly conv1: DepthwiseConv2d;
  private readonly bn1: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm2d;

  constructor(rng: Rng, inPlanes: number, outPlanes: number, stride: number) {
    super();
    this.conv1 = this.addModule('conv1', new DepthwiseConv2d(rng, inPlanes, 3, { stride, padding: 1 }));
    this.bn1 = this.addModule('bn1', new BatchNorm2d(inPlanes));
    this.conv2 = this.addModule('conv2', new Conv2d(rng, inPlanes, outPlanes, 1));
    this.bn2 = this.addModule('bn2', new BatchNorm2d(outPlanes));
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => {
      const depthwise = tf.relu(this.bn1.forward(this.conv1.forward(x), options));
      return tf.relu(this.bn2.forward(this.conv2.forward(depthwise), options));
    });
  }
}

/** [outPlanes, stride] per separable block. */
type Plan = Array<[number, number]>;

export class MobileNetV1 extends Classifier {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly layers: Sequential;
  private readonly linear: Linear;

  constructor(arch: string, rng: Rng, plan: Plan, width: number, args: ModelArgs, stemStride = 1) {
    super(arch, args.numClasses);
    const scale = (c: number) => Math.max(8, Math.round(c * width));
    this.conv1 = this.addModule('conv1', new Conv2d(rng, args.inChannels ?? 3, scale(32), 3, { padding: 1, stride: stemStride }));
    this.bn1 = this.addModule('bn1', new BatchNorm2d(scale(32)));
    let inPlanes = scale(32);
    const blocks = plan.map(([out, stride]) => {
      const block = new SeparableBlock(rng, inPlanes, scale(out), stride);
      inPlanes = scale(out);
      return block;
    });
    this.layers = this.addModule('layers', new Sequential(blocks));
    this.linear = this.addModule('linear', new Linear(rng, inPlanes, args.numClasses));
  }

  override featureMap(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => this.layers.forward(tf.relu(this.bn1.forward(this.conv1.forward(x), options)), options));
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => this.linear.forward(globalAvgPool(this.featureMap(x, options))));
  }
}

const FULL: Plan = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
const SMALL: Plan = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1]];

/** The original ImageNet network (Howard et al. 2017): stride-2 stem, 224 x 224 input. */
const imagenet = (name: string, width: number): [string, ModelEntry] => [
  name,
  { description: `MobileNet v1 ${width} for 224x224 ImageNet-style input (stride-2 stem)`, nativeInput: [224, 224, 3], create: (args, rng) => new MobileNetV1(name, rng, FULL, width, args, 2) },
];

export const MOBILENET_MODELS: Array<[string, ModelEntry]> = [
  imagenet('mobilenet_v1_100', 1),
  imagenet('mobilenet_v1_050', 0.5),
  imagenet('mobilenet_v1_025', 0.25),
  ['mobilenet_cifar', { description: 'MobileNet v1 for 32x32 inputs (stride-1 stem)', nativeInput: [32, 32, 3], create: (args, rng) => new MobileNetV1('mobilenet_cifar', rng, FULL, 1, args) }],
  ['mobilenet_cifar_small', { description: 'MobileNet v1, half width, 7 separable blocks', nativeInput: [32, 32, 3], create: (args, rng) => new MobileNetV1('mobilenet_cifar_small', rng, SMALL, 0.5, args) }],
];
