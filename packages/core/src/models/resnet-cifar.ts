/**
 * CIFAR ResNets of He et al. 2016 (section 4.2): 6n+2 layers, widths 16/32/64, option-A
 * shortcuts (stride-2 subsampling plus zero-padded channels, no parameters). Member names follow
 * akamaster/pytorch_resnet_cifar10 `resnet.py`, whose checkpoints therefore load key for key.
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng.js';
import { BatchNorm2d, Conv2d, Linear, globalAvgPool } from '../nn/layers.js';
import { Module, Sequential, type ForwardOptions } from '../nn/module.js';
import { Classifier, type ModelArgs, type ModelEntry } from './classifier.js';

/** x[:, ::2, ::2, :] with channels zero-padded by `padEachSide` on both ends (torch's option A). */
export function optionAShortcut(x: Tensor, padEachSide: number): Tensor {
  return tf.tidy(() => {
    let [n, h, w, c] = x.shape as [number, number, number, number];
    let input = x;
    if (h % 2 === 1 || w % 2 === 1) {
      // ::2 on an odd size keeps ceil(size/2) samples; pad one zero row/column so reshape can halve it.
      input = tf.pad(x, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]]);
      h += h % 2;
      w += w % 2;
    }
    // Reshape-and-slice instead of stridedSlice, whose gradient tfjs does not define.
    const grouped = tf.reshape(input, [n, h / 2, 2, w / 2, 2 * c]);
    const sub = tf.reshape(tf.slice(grouped, [0, 0, 0, 0, 0], [n, h / 2, 1, w / 2, c]), [n, h / 2, w / 2, c]);
    return tf.pad(sub, [[0, 0], [0, 0], [0, 0], [padEachSide, padEachSide]]);
  });
}

class BasicBlock extends Module {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly shortcutPad: number | undefined;

  constructor(rng: Rng, inPlanes: number, planes: number, stride: number) {
    super();
    this.conv1 = this.addModule('conv1', new Conv2d(rng, inPlanes, planes, 3, { stride, padding: 1 }));
    this.bn1 = this.addModule('bn1', new BatchNorm2d(planes));
    this.conv2 = this.addModule('conv2', new Conv2d(rng, planes, planes, 3, { padding: 1 }));
    this.bn2 = this.addModule('bn2', new BatchNorm2d(planes));
    if (stride !== 1 || inPlanes !== planes) {
      if (stride !== 2 || planes !== 2 * inPlanes) throw new Error('option-A shortcuts support only stride 2 with doubled width');
      this.shortcutPad = planes / 4;
    }
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => {
      const out = this.bn2.forward(this.conv2.forward(tf.relu(this.bn1.forward(this.conv1.forward(x), options))), options);
      const shortcut = this.shortcutPad === undefined ? x : optionAShortcut(x, this.shortcutPad);
      return tf.relu(tf.add(out, shortcut));
    });
  }
}

export class CifarResNet extends Classifier {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly layers: Sequential[];
  private readonly linear: Linear;

  constructor(arch: string, rng: Rng, blocksPerStage: number, args: ModelArgs) {
    super(arch, args.numClasses);
    this.conv1 = this.addModule('conv1', new Conv2d(rng, args.inChannels ?? 3, 16, 3, { padding: 1 }));
    this.bn1 = this.addModule('bn1', new BatchNorm2d(16));
    let inPlanes = 16;
    this.layers = [16, 32, 64].map((planes, stage) => {
      const blocks: Module[] = [];
      for (let i = 0; i < blocksPerStage; i++) {
        blocks.push(new BasicBlock(rng, inPlanes, planes, stage > 0 && i === 0 ? 2 : 1));
        inPlanes = planes;
      }
      return this.addModule(`layer${stage + 1}`, new Sequential(blocks));
    });
    this.linear = this.addModule('linear', new Linear(rng, 64, args.numClasses));
  }

  override featureMap(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => {
      let out = tf.relu(this.bn1.forward(this.conv1.forward(x), options));
      for (const layer of this.layers) out = layer.forward(out, options);
      return out;
    });
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => this.linear.forward(globalAvgPool(this.featureMap(x, options))));
  }
}

/** Registry name -> blocks per stage (depth = 6n + 2). */
const VARIANTS: Array<[string, number]> = [
  ['resnet8', 1],
  ['resnet20', 3],
  ['resnet32', 5],
  ['resnet44', 7],
  ['resnet56', 9],
  ['resnet110', 18],
];

export const RESNET_CIFAR_MODELS: Array<[string, ModelEntry]> = VARIANTS.map(([name, n]) => [
  name,
  {
    description: `CIFAR ResNet-${6 * n + 2} (He et al. 2016, option-A shortcuts)`,
    nativeInput: [32, 32, 3],
    create: (args, rng) => new CifarResNet(name, rng, n, args),
  },
]);
