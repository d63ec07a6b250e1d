import { tf, type Tensor } from '../tf.js';

export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
}

/** (x - mean) / std per channel on [n, h, w, c] input in [0, 1]; identity when not given. */
export function normalizeInput(x: Tensor, normalization: Normalization | undefined): Tensor {
  if (!normalization) return tf.clone(x);
  return tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d(normalization.mean as number[])), tf.tensor1d(normalization.std as number[])));
}
