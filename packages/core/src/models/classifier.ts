import type { Tensor } from '../tf.js';
import type { Rng } from '../rng.js';
import { Module, type ForwardOptions } from '../nn/module.js';

/** A network that maps a batch [n, h, w, c] (or clips [n, frames, h, w, c]) to logits [n, numClasses]. */
export abstract class Classifier extends Module {
  constructor(
    readonly arch: string,
    readonly numClasses: number,
  ) {
    super();
  }

  abstract override forward(x: Tensor, options: ForwardOptions): Tensor;

  /**
   * The last feature map before global pooling, [n, h, w, channels], for architectures that have
   * one (feature visualisation of channels). Absent where the architecture does not expose it.
   */
  featureMap?(x: Tensor, options: ForwardOptions): Tensor;
}

export interface ModelArgs {
  numClasses: number;
  /** Input channels (3 for RGB, 1 for spectrograms). */
  inChannels?: number;
}

export interface ModelEntry {
  description: string;
  /** The input the architecture was designed for, [h, w, c] (or [frames, h, w, c] for clips); any size the strides divide also works. */
  nativeInput: [number, number, number] | [number, number, number, number];
  create(args: ModelArgs, rng: Rng): Classifier;
}
