/**
 * Activation maximisation of class logits, Lucent-style: a batch of decorrelated Fourier images
 * (one per class) is optimised with Adam so that, after random jitter, scale and rotation, the
 * model's logit of its class grows. The paper's "panda neurons" (RECIPE.md section 7) are these
 * pictures for a distilled student beside its teacher.
 */
import { Rng, tf, type Tensor, RNG_STREAMS } from '@augprior/core';
import { FourierImage } from './fourier-image.js';
import { resizeImage, standardTransforms } from './robust-transforms.js';

export interface VisualizeOptions {
  /** Side of the optimised image. */
  size: number;
  /** Side the model sees (the transformed image is resized to it). */
  inputSize: number;
  steps: number;
  /** Adam learning rate (Lucent: 0.05). */
  lr: number;
  seed: number;
  onStep?: (step: number, meanLogit: number) => void;
}

export interface Visualization {
  /** One HWC uint8 RGB image of size x size per class. */
  images: Uint8Array[];
  /** The objective (target logit or mean channel activation) on the untransformed images at the end. */
  finalLogits: number[];
}

/**
 * The shared loop: `objectiveOf` maps the batch of images [n, s, s, 3] in [0, 1] (row i for target
 * i) to the n values to raise, and must be differentiable.
 */
export async function maximize(objectiveOf: (x: Tensor) => Tensor, count: number, options: VisualizeOptions): Promise<Visualization> {
  const param = new FourierImage({ size: options.size, batch: count, seed: options.seed });
  const optimizer = tf.train.adam(options.lr);
  try {
    for (let step = 1; step <= options.steps; step++) {
      const rng = Rng.derive(options.seed, RNG_STREAMS.visualizeStep, step);
      const cost = optimizer.minimize(() => tf.tidy(() => tf.neg(tf.mean(objectiveOf(resizeImage(standardTransforms(param.rgb(), rng), options.inputSize, options.inputSize)))) as tf.Scalar), true, param.variables());
      if (cost) {
        if (options.onStep && (step % 25 === 0 || step === options.steps)) options.onStep(step, -(await cost.data())[0]!);
        cost.dispose();
      }
    }
    return tf.tidy(() => {
      const rgb = param.rgb();
      const final = objectiveOf(resizeImage(rgb, options.inputSize, options.inputSize));
      const bytes = tf.cast(tf.round(tf.mul(rgb, 255)), 'int32').dataSync();
      const pixels = options.size * options.size * 3;
      return { images: Array.from({ length: count }, (_, i) => Uint8Array.from(bytes.subarray(i * pixels, (i + 1) * pixels))), finalLogits: Array.from(final.dataSync()) };
    });
  } finally {
    optimizer.dispose();
    param.dispose();
  }
}

/** Class logits: `logitsOf` maps [n, s, s, 3] in [0, 1] to logits [n, classes]. */
export async function visualizeClasses(logitsOf: (x: Tensor) => Tensor, classes: readonly number[], options: VisualizeOptions): Promise<Visualization> {
  return maximize((x) => {
    const logits = logitsOf(x);
    return tf.sum(tf.mul(logits, tf.oneHot(tf.tensor1d(Array.from(classes), 'int32'), logits.shape[1]!)), 1);
  }, classes.length, options);
}

/** Channels of a feature map: `featureMapOf` maps [n, s, s, 3] in [0, 1] to [n, h, w, channels]; the mean activation of each row's channel is raised. */
export async function visualizeChannels(featureMapOf: (x: Tensor) => Tensor, channels: readonly number[], options: VisualizeOptions): Promise<Visualization> {
  return maximize((x) => {
    const map = featureMapOf(x);
    const means = tf.mean(map, [1, 2]);
    return tf.sum(tf.mul(means, tf.oneHot(tf.tensor1d(Array.from(channels), 'int32'), map.shape[3]!)), 1);
  }, channels.length, options);
}
