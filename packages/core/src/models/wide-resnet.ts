/**
 * Pre-activation Wide ResNets (Zagoruyko & Komodakis 2016), the teacher (WRN-40-4) and student
 * (WRN-16-4) of the paper's CIFAR runs. Member names follow xternalz/WideResNet-pytorch
 * `wideresnet.py` (`block1.layer.0.convShortcut`, final `bn1`, `fc`). Dropout is left out: the
 * recipe trains with drop rate 0.
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng.js';
import { BatchNorm2d, Conv2d, Linear, globalAvgPool } from '../nn/layers.js';
import { Module, Sequential, type ForwardOptions } from '../nn/module.js';
import { Classifier, type ModelArgs, type ModelEntry } from './classifier.js';

class PreActBlock extends Module {
  private readonly bn1: BatchNorm2d;
  private readonly conv1: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly convShortcut: Conv2d | undefined;

  constructor(rng: Rng, inPlanes: number, outPlanes: number, stride: number) {
    super();
    this.bn1 = this.addModule('bn1', new BatchNorm2d(inPlanes));
    this.conv1 = this.addModule('conv1', new Conv2d(rng, inPlanes, outPlanes, 3, { stride, padding: 1 }));
    this.bn2 = this.addModule('bn2', new BatchNorm2d(outPlanes));
    this.conv2 = this.addModule('conv2', new Conv2d(rng, outPlanes, outPlanes, 3, { padding: 1 }));
    this.convShortcut = inPlanes === outPlanes ? undefined : this.addModule('convShortcut', new Conv2d(rng, inPlanes, outPlanes, 1, { stride }));
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => {
      const pre = tf.relu(this.bn1.forward(x, options));
      const out = this.conv2.forward(tf.relu(this.bn2.forward(this.conv1.forward(pre), options)));
      // As in the reference code, a projection shortcut sees the pre-activated input.
      const shortcut = this.convShortcut ? this.convShortcut.forward(pre) : x;
      return tf.add(shortcut, out);
    });
  }
}

class NetworkBlock extends Module {
  private readonly layer: Sequential;

  constructor(rng: Rng, blocks: number, inPlanes: number, outPlanes: number, stride: number) {
    super();
    const list: Module[] = [];
    for (let i = 0; i < blocks; i++) list.push(new PreActBlock(rng, i === 0 ? inPlanes : outPlanes, outPlanes, i === 0 ? stride : 1));
    this.layer = this.addModule('layer', new Sequential(list));
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    return this.layer.forward(x, options);
  }
}

export class WideResNet extends Classifier {
  private readonly conv1: Conv2d;
  private readonly blocks: NetworkBlock[];
  private readonly bn1: BatchNorm2d;
  private readonly fc: Linear;

  constructor(arch: string, rng: Rng, depth: number, widen: number, args: ModelArgs) {
    super(arch, args.numClasses);
    if ((depth - 4) % 6 !== 0) throw new Error(`WRN depth must be 6n+4, got ${depth}`);
    const n = (depth - 4) / 6;
    const widths = [16, 16 * widen, 32 * widen, 64 * widen];
    this.conv1 = this.addModule('conv1', new Conv2d(rng, args.inChannels ?? 3, widths[0]!, 3, { padding: 1 }));
    this.blocks = [1, 2, 3].map((i) => this.addModule(`block${i}`, new NetworkBlock(rng, n, widths[i - 1]!, widths[i]!, i === 1 ? 1 : 2)));
    this.bn1 = this.addModule('bn1', new BatchNorm2d(widths[3]!));
    this.fc = this.addModule('fc', new Linear(rng, widths[3]!, args.numClasses));
  }

  override featureMap(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => {
      let out = this.conv1.forward(x);
      for (const block of this.blocks) out = block.forward(out, options);
      return tf.relu(this.bn1.forward(out, options));
    });
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    return tf.tidy(() => this.fc.forward(globalAvgPool(this.featureMap(x, options))));
  }
}

const VARIANTS: Array<[string, number, number]> = [
  ['wrn_16_1', 16, 1],
  ['wrn_16_4', 16, 4],
  ['wrn_16_8', 16, 8],
  ['wrn_28_10', 28, 10],
  ['wrn_40_1', 40, 1],
  ['wrn_40_4', 40, 4],
];

export const WIDE_RESNET_MODELS: Array<[string, ModelEntry]> = VARIANTS.map(([name, depth, widen]) => [
  name,
  {
    description: `pre-activation WRN-${depth}-${widen} (Zagoruyko & Komodakis 2016)`,
    nativeInput: [32, 32, 3],
    create: (args, rng) => new WideResNet(name, rng, depth, widen, args),
  },
]);
